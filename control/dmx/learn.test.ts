import { describe, expect, it } from 'vitest';
import { DmxLearnSession, movedChannel } from './learn';
import { ManualTimers } from '../../src/kernel/timers';

const at = (pairs: Record<number, number>) => {
  const u = new Uint8Array(512);
  for (const [ch, v] of Object.entries(pairs)) u[Number(ch) - 1] = v;
  return u;
};

describe('movedChannel', () => {
  it.each([
    ['nothing moved', at({}), at({}), 8, undefined],
    ['a flicker of 3 levels', at({ 5: 100 }), at({ 5: 103 }), 8, undefined],
    ['a fader on 12', at({}), at({ 12: 40 }), 8, { channel: 12, fine: null }],
    ['two faders: the lowest', at({}), at({ 30: 200, 12: 40 }), 8, { channel: 12, fine: null }],
    ['16 bits: the fine byte alone waits', at({}), at({ 8: 200 }), 16, undefined],
    ['16 bits: coarse and fine moved', at({}), at({ 7: 20, 8: 200 }), 16, { channel: 7, fine: 8 }],
    ['channel 512 moved', at({}), at({ 512: 255 }), 8, { channel: 512, fine: null }],
  ] as const)('%s', (_what, before, after, bits, picked) => {
    expect(movedChannel(before, after, bits)).toEqual(picked);
  });
});

describe('DmxLearnSession', () => {
  it('binds the first move counted from the levels seen after arming, a slow push included', () => {
    const timers = new ManualTimers();
    const s = new DmxLearnSession({ timers, timeoutMs: 30_000 }, () => {});
    s.arm('level', 8);
    expect(s.feed('artnet', 0, at({ 3: 100 }))).toBeUndefined(); // the baseline
    expect(s.feed('artnet', 0, at({ 3: 104 }))).toBeUndefined();
    expect(s.feed('artnet', 0, at({ 3: 109 }))).toEqual({
      param: 'level',
      learned: { protocol: 'artnet', universe: 0, channel: 3, fine: null },
    });
    expect(s.current()).toBeNull();
  });

  it('times out on its timers, saying which parameter', () => {
    const timers = new ManualTimers();
    const expired: string[] = [];
    const s = new DmxLearnSession({ timers, timeoutMs: 1000 }, (param) => expired.push(param));
    s.arm('hue', 16);
    expect(s.current()).toMatchObject({ param: 'hue', bits: 16 });
    timers.advance(999);
    expect(expired).toEqual([]);
    timers.advance(1);
    expect(expired).toEqual(['hue']);
    expect(s.current()).toBeNull();
  });
});
