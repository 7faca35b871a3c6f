import { describe, expect, it } from 'vitest';
import { cosineSimilarity, SimilarityFilter } from './similarity-filter';

const frame = (...v: number[]) => Float32Array.from(v);

describe('similarity filter', () => {
  it('cosine similarity', () => {
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([0, 0], [0, 0])).toBe(1);
  });

  it('skips with probability (sim - threshold) / (1 - threshold), against the last rendered frame', () => {
    let r = 0;
    const f = new SimilarityFilter(() => r);
    const o = { threshold: 0.9, maxSkipFrames: 100 };
    expect(f.shouldSkip(frame(1, 0), o)).toBe(false);
    // Different: rendered whatever the dice say.
    expect(f.shouldSkip(frame(0, 1), o)).toBe(false);
    // Against (0, 1), the last frame rendered: similarity 0.95 -> probability 0.5; a roll of 0.49 skips, 0.51 not.
    const near = frame(Math.sqrt(1 - 0.95 ** 2), 0.95);
    r = 0.49;
    expect(f.shouldSkip(near, o)).toBe(true);
    expect(f.lastSimilarity).toBeCloseTo(0.95, 6);
    r = 0.51;
    expect(f.shouldSkip(near, o)).toBe(false);
  });

  it('renders one frame after maxSkipFrames skips in a row', () => {
    const f = new SimilarityFilter(() => 0);
    const o = { threshold: 0.5, maxSkipFrames: 3 };
    const still = frame(1, 1, 1);
    const decisions = Array.from({ length: 9 }, () => f.shouldSkip(still, o));
    expect(decisions).toEqual([false, true, true, true, false, true, true, true, false]);
  });
});
