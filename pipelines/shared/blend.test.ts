import { describe, expect, it } from 'vitest';
import { blendConditionings, PromptTransition, slerp } from './blend';
import type { Conditioning } from './blend';

const c = (...v: number[]): Conditioning => ({ hidden: Float32Array.from(v), pooled: Float32Array.from([v[0]!]) });
const close = (a: ArrayLike<number>, b: number[]) => b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 6));

describe('prompt blending', () => {
  it('slerp walks the arc: endpoints, and the unit midpoint of orthogonal unit vectors', () => {
    const a = Float32Array.from([1, 0]);
    const b = Float32Array.from([0, 1]);
    close(slerp(a, b, 0), [1, 0]);
    close(slerp(a, b, 1), [0, 1]);
    close(slerp(a, b, 0.5), [Math.SQRT1_2, Math.SQRT1_2]);
    close(slerp(a, b, 1 / 3), [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)]);
    // Parallel vectors fall back to a straight line.
    close(slerp(a, Float32Array.from([2, 0]), 0.5), [1.5, 0]);
  });

  it('weights: one prompt alone, the weighted mean of up to four, slerp for two', () => {
    const items = [c(1, 0), c(0, 1), c(3, 3), c(9, 9)];
    expect(blendConditionings(items, [1, 0, 0, 0], 'linear')).toBe(items[0]);
    close(blendConditionings(items, [1, 1, 2, 0], 'linear').hidden, [(1 + 0 + 6) / 4, (0 + 1 + 6) / 4]);
    close(blendConditionings(items, [1, 1, 2, 0], 'slerp').pooled!, [(1 + 0 + 6) / 4]);
    close(blendConditionings(items, [1, 1, 0, 0], 'slerp').hidden, [Math.SQRT1_2, Math.SQRT1_2]);
    close(blendConditionings(items, [3, 1, 0, 0], 'linear').hidden, [0.75, 0.25]);
  });

  it('a prompt change eases from what was shown to the new blend over the transition time', () => {
    const t = new PromptTransition();
    const a = c(0, 0);
    const b = c(10, 20);
    expect(t.update('a', a, 0, 2, 'linear')).toBe(a);
    close(t.update('b', b, 1, 2, 'linear').hidden, [0, 0]);
    // Halfway through a smoothstep is halfway.
    close(t.update('b', b, 2, 2, 'linear').hidden, [5, 10]);
    close(t.update('b', b, 1.5, 2, 'linear').hidden, [10 * 0.15625, 20 * 0.15625]);
    expect(t.update('b', b, 3.01, 2, 'linear')).toBe(b);
    // No transition time: at once.
    expect(t.update('a', a, 4, 0, 'linear')).toBe(a);
  });
});
