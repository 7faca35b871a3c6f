import { describe, expect, it } from 'vitest';
import { firstStepFor, motionAmount, NoiseController } from './noise-controller';

const frame = (v: number) => new Float32Array(12).fill(v);

describe('motion-aware noise controller', () => {
  it('measures motion as the largest frame-to-frame RMS over 0.2, clamped to 1', () => {
    expect(motionAmount(undefined, [frame(0)])).toBe(0);
    expect(motionAmount(frame(0), [frame(0.05), frame(0.05)])).toBeCloseTo(0.25, 6);
    expect(motionAmount(frame(0), [frame(0.01), frame(0.11)])).toBeCloseTo(0.5, 6);
    expect(motionAmount(frame(-1), [frame(1)])).toBe(1);
  });

  it('eases the noise scale: (s0 - 0.1·d)·0.9 + s_prev·0.1, and the first step is int(1000·s) - 100', () => {
    const c = new NoiseController();
    expect(c.next(0.8, [frame(0)], true)).toBeCloseTo(0.8, 12);
    // Full motion: (0.8 - 0.1)·0.9 + 0.8·0.1 = 0.71.
    expect(c.next(0.8, [frame(1)], true)).toBeCloseTo(0.71, 12);
    // Still again: 0.8·0.9 + 0.71·0.1 = 0.791.
    expect(c.next(0.8, [frame(1)], true)).toBeCloseTo(0.791, 12);
    expect(c.next(0.8, [frame(-1)], false)).toBe(0.8);
    expect(firstStepFor(0.8)).toBe(700);
    expect(firstStepFor(0.7)).toBe(600);
    expect(firstStepFor(0.05)).toBe(1);
  });
});
