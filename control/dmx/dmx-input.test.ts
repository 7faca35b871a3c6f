import { describe, expect, it } from 'vitest';
import { DmxInput, MAX_SOURCES } from './dmx-input';
import { ManualTimers } from '../../src/kernel/timers';

const levels = (v: number) => new Uint8Array(512).fill(v);

describe('DmxInput', () => {
  it('hands over each changed universe once, merged, at the frame', () => {
    const timers = new ManualTimers();
    const input = new DmxInput({ mode: 'ltp', now: () => timers.now() });
    input.put('artnet', 0, 'desk', levels(1), 100);
    input.put('artnet', 0, 'desk', levels(2), 100);
    input.put('sacn', 5, 'cid', levels(3), 100);
    expect(input.take().map((u) => [u.key, u.levels[0]])).toEqual([
      ['artnet:0', 2],
      ['sacn:5', 3],
    ]);
    expect(input.take()).toEqual([]);
  });

  it('keeps at most MAX_SOURCES senders a universe; one that went silent makes room', () => {
    const timers = new ManualTimers();
    const input = new DmxInput({ mode: 'htp', now: () => timers.now(), timeoutMs: 2500 });
    for (let i = 0; i < MAX_SOURCES; i++) expect(input.put('artnet', 0, `s${i}`, levels(i), 100)).toBeUndefined();
    expect(input.put('artnet', 0, 'forged', levels(255), 100)).toBe('too_many_sources');
    expect(input.levels('artnet', 0)?.[0]).toBe(MAX_SOURCES - 1);
    timers.advance(2000);
    input.put('artnet', 0, 's0', levels(0), 100);
    timers.advance(1000); // all but s0 are silent past the timeout now
    expect(input.put('artnet', 0, 'new', levels(9), 100)).toBeUndefined();
  });

  it('says which universes are wanted, and forgets the others when pruned', () => {
    const timers = new ManualTimers();
    let mapped = new Set(['artnet:1']);
    const input = new DmxInput({ mode: 'ltp', now: () => timers.now(), wanted: (key) => mapped.has(key) });
    expect(input.wants('artnet', 1)).toBe(true);
    expect(input.wants('artnet', 2)).toBe(false);
    input.put('artnet', 1, 'desk', levels(7), 100);
    mapped = new Set();
    input.prune();
    expect(input.take()).toEqual([]);
    expect(input.levels('artnet', 1)).toBeUndefined();
    input.drop('sacn', 9, 'cid'); // a stream we never kept ends: nothing to do
    expect(input.take()).toEqual([]);
  });
});
