import { describe, expect, it } from 'vitest';
import { TempoClock } from './tempo-clock';
import { TapTempo } from './tap-tempo';
import { nextBoundary } from './quantize';
import { QuantizeScheduler } from './scheduler';

describe('TempoClock', () => {
  it('counts beats and bars at the tempo and keeps the phase across a tempo change', () => {
    let now = 0;
    const clock = new TempoClock({ now: () => now, bpm: 120 });
    now = 2250;
    expect(clock.position()).toEqual({ beat: 4.5, phase: 0.5, bar: 1, beatInBar: 0 });
    clock.setBpm(60, 'osc');
    // The beat does not jump; from here on a beat takes a second.
    expect(clock.beatAt()).toBe(4.5);
    expect(clock.beatAt(3250)).toBe(5.5);
    expect(clock.timeOfBeat(6)).toBe(3750);
    expect(clock.setBpm(5000, 'osc')).toBe(999);
  });

  it('announces a jump when an external clock moves it backwards', () => {
    const clock = new TempoClock({ now: () => 10_000 });
    const kinds: string[] = [];
    clock.onChange((k) => kinds.push(k));
    // A small correction is no jump; back to the top is.
    clock.align(20_000, clock.beatAt(20_000) + 0.01, 120, 'midi');
    clock.align(20_000, 0, 130, 'midi');
    expect(kinds).toEqual(['jump', 'bpm']);
  });
});

describe('TapTempo', () => {
  it('averages the taps and starts over after a pause', () => {
    const tap = new TapTempo();
    expect(tap.tap(0)).toBeUndefined();
    expect(tap.tap(500)).toBe(120);
    expect(tap.tap(1010)).toBeCloseTo(60_000 / 505, 6);
    expect(tap.tap(5000)).toBeUndefined();
    expect(tap.tap(5400)).toBe(150);
  });
});

describe('quantize', () => {
  it.each([
    [0.2, 'beat', 1],
    [1, 'beat', 1],
    [1.0000001, 'bar', 4],
    [4.5, 'bar', 8],
    [4.5, '2bars', 8],
    [9, '2bars', 16],
    [3.3, 'off', 3.3],
  ] as const)('from beat %d, %s lands on beat %d', (beat, q, expected) => {
    expect(nextBoundary(beat, q, 4)).toBe(expected);
  });

  it('runs what is due in arrival order and re-aims what waits after a jump', () => {
    const scheduler = new QuantizeScheduler();
    const ran: string[] = [];
    scheduler.schedule(8, 'bar', 'b', () => ran.push('b'));
    scheduler.schedule(4, 'bar', 'a1', () => ran.push('a1'));
    scheduler.schedule(4, 'bar', 'a2', () => ran.push('a2'));
    scheduler.schedule(5, 'beat', 'bad', () => {
      throw new Error('boom');
    });
    const failed: string[] = [];
    expect(scheduler.due(3.99, (what) => failed.push(what))).toBe(0);
    expect(scheduler.due(5, (what) => failed.push(what))).toBe(3);
    expect(ran).toEqual(['a1', 'a2']);
    expect(failed).toEqual(['bad']);
    scheduler.retarget(0.5, 4);
    expect(scheduler.due(4)).toBe(1);
    expect(ran).toEqual(['a1', 'a2', 'b']);
  });
});
