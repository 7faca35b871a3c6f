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

  it('a recache rewrites the rolling frames in their own slots, or every filled slot when sinks are renewed', () => {
    const policy = new CachePolicy(longlive);
    run(policy, 4);
    expect(policy.rolling()).toEqual([
      { slot: 6, position: 6 },
      { slot: 7, position: 7 },
      { slot: 8, position: 8 },
      { slot: 3, position: 9 },
      { slot: 4, position: 10 },
      { slot: 5, position: 11 },
    ]);
    expect([...policy.sinkBias()]).toEqual([0, 0, 0, ...new Array(6).fill(MASKED)]);
    const slots = policy.rolling().map((r) => r.slot);
    expect([...policy.rewrite(slots)]).toEqual([0, 1, 2, 12, 13, 14, 9, 10, 11]);
    expect(policy.filled().map((f) => f.position)).toEqual([0, 1, 2, 6, 7, 8, 9, 10, 11]);
    expect(() => new CachePolicy(longlive).rewrite([4])).toThrow(/slot 4 is empty/);
  });

  it('refuses sizes that cannot work, with the reason', () => {
    expect(() => new CachePolicy({ ...longlive, windowFrames: 2 })).toThrow(/window of 2 frames cannot hold a block/);
    expect(() => new CachePolicy({ ...longlive, sinkFrames: 10 })).toThrow(/10 sink frames do not fit in 9/);
    expect(() => new CachePolicy({ ...longlive, blockFrames: 1.5 })).toThrow(/whole frame counts/);
  });
});
