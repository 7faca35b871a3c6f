import { describe, expect, it } from 'vitest';
import { CachePolicy, MASKED } from './cache-policy';
import type { CachePolicyOptions } from './cache-policy';

const longlive: CachePolicyOptions = {
  sinkFrames: 3,
  windowFrames: 12,
  blockFrames: 3,
  positionLimit: 1024,
  onLimit: 'reset',
  rewindTo: 0,
};
const sdv2: CachePolicyOptions = {
  sinkFrames: 3,
  windowFrames: 6,
  blockFrames: 1,
  positionLimit: 50,
  onLimit: 'rewind',
  rewindTo: 5,
};

/** Runs `blocks` blocks through the policy, returning the positions each slot holds afterwards. */
function run(policy: CachePolicy, blocks: number, frames = policy.options.blockFrames) {
  for (let b = 0; b < blocks; b++) policy.append(policy.place(frames).positions);
  return policy.entries().map((e) => e?.position ?? null);
}

describe('KV cache policy', () => {
  it('LongLive: 9 slots, the first 3 frames kept as sinks, the 6 most recent frames rolling', () => {
    const policy = new CachePolicy(longlive);
    expect(policy.slots).toBe(9);
    expect(policy.bias()).toEqual(new Float32Array(9).fill(MASKED));
    const first = policy.place(3);
    expect(first.positions).toEqual([0, 1, 2]);
    // Frames 0..2 of the block go to slots 0..2: the writer takes slots + i there and keeps the rest.
    expect([...policy.append(first.positions)]).toEqual([9, 10, 11, 3, 4, 5, 6, 7, 8]);
    expect([...policy.bias()]).toEqual([0, 0, 0, MASKED, MASKED, MASKED, MASKED, MASKED, MASKED]);
    expect(run(policy, 2)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // The fourth block evicts the oldest rolling frames (3, 4, 5) and never the sinks.
    const fourth = policy.place(3);
    expect(fourth.positions).toEqual([9, 10, 11]);
    expect([...policy.append(fourth.positions)]).toEqual([0, 1, 2, 9, 10, 11, 6, 7, 8]);
    expect(run(policy, 1)).toEqual([0, 1, 2, 9, 10, 11, 12, 13, 14]);
    expect(run(policy, 10)).toEqual([0, 1, 2, 39, 40, 41, 42, 43, 44]);
    expect(
      policy
        .entries()
        .filter((e) => e?.sink)
        .map((e) => e!.position),
    ).toEqual([0, 1, 2]);
  });

  it('StreamDiffusionV2: 5 slots (3 sink, 2 rolling); at position 50 it rewinds to 5 and keeps the cache', () => {
    const policy = new CachePolicy(sdv2);
    expect(policy.slots).toBe(5);
    // The first chunk is two latent frames (1 + 4 pixel frames), then one frame per block.
    policy.append(policy.place(2).positions);
    expect(run(policy, 47, 1)).toEqual([0, 1, 2, 47, 48]);
    const rewound = policy.place(1);
    expect(rewound).toMatchObject({ positions: [49], rewound: false });
    policy.append(rewound.positions);
    const after = policy.place(1);
    expect(after).toMatchObject({ positions: [5], rewound: true, reset: false });
    policy.append(after.positions);
    expect(policy.entries().map((e) => e?.position)).toEqual([0, 1, 2, 49, 5]);
    expect(policy.place(1).positions).toEqual([6]);
  });

  it('LongLive at the RoPE limit: the block that would reach 1024 starts again at 0 with an empty cache', () => {
    const policy = new CachePolicy(longlive);
    run(policy, 341);
    expect(policy.position).toBe(1023);
    const placed = policy.place(3);
    expect(placed).toMatchObject({ positions: [0, 1, 2], reset: true });
    expect(policy.bias()).toEqual(new Float32Array(9).fill(MASKED));
    policy.append(placed.positions);
    expect(policy.entries()[0]).toEqual({ position: 0, sink: true });
  });

  it('a recache within the first window re-runs every frame from 0 and rewrites the sinks too (as upstream)', () => {
    const policy = new CachePolicy(longlive);
    run(policy, 4); // 12 frames: sinks 0..2, ring 6..11; frames 3..5 were evicted but are re-run as keys
    for (const mode of ['keep-sinks', 'all'] as const) {
      const plan = policy.recache(mode);
      expect(plan.positions).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect([...plan.bias]).toEqual(new Array(9).fill(MASKED));
      // Slot s takes frame `position` of the pass: sinks 0..2, ring slots 3..5 hold 9..11, 6..8 hold 6..8.
      expect([...plan.index]).toEqual([9, 10, 11, 18, 19, 20, 15, 16, 17]);
    }
  });

  it('keep-sinks past the window: the last 9 frames run against the kept sinks; the newest 6 are written', () => {
    const policy = new CachePolicy(longlive);
    run(policy, 7); // 21 frames: sinks 0..2, ring 15..20
    const plan = policy.recache('keep-sinks');
    // Upstream runs 12 (9..20) and writes from the sink's length on: 12..20. Frames 9..11 are neither written
    // nor keys of anything written, so the same K/V come from running 12..20; 12..14 are then evicted unread.
    expect(plan.positions).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect([...plan.bias]).toEqual([0, 0, 0, ...new Array(6).fill(MASKED)]);
    const written = policy.entries().map((e, slot) => (plan.index[slot]! >= 9 ? e!.position : null));
    expect(written).toEqual([null, null, null, 15, 16, 17, 18, 19, 20]);
    expect([...plan.index]).toEqual([0, 1, 2, 12, 13, 14, 15, 16, 17]);
  });

  it('all past the window: the last 12 frames attend only to each other and the oldest 3 become the sinks', () => {
    const policy = new CachePolicy(longlive);
    run(policy, 7);
    const plan = policy.recache('all');
    expect(plan.positions).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect([...plan.bias]).toEqual(new Array(9).fill(MASKED));
    // The original sinks (0..2) are not re-run: their slots take frames 9..11 of this pass.
    expect(policy.entries().map((e) => e?.position)).toEqual([9, 10, 11, 15, 16, 17, 18, 19, 20]);
    expect([...plan.index]).toEqual([9, 10, 11, 15, 16, 17, 18, 19, 20]);
    expect(policy.entries().filter((e) => e?.sink).length).toBe(3);
    expect(new CachePolicy(longlive).recache('all').positions).toEqual([]);
  });

  it('refuses sizes that cannot work, with the reason', () => {
    expect(() => new CachePolicy({ ...longlive, windowFrames: 2 })).toThrow(/window of 2 frames cannot hold a block/);
    expect(() => new CachePolicy({ ...longlive, sinkFrames: 10 })).toThrow(/10 sink frames do not fit in 9/);
    expect(() => new CachePolicy({ ...longlive, blockFrames: 1.5 })).toThrow(/whole frame counts/);
  });
});
