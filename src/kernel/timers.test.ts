import { describe, expect, it } from 'vitest';
import { ManualTimers, every } from './timers';

describe('every', () => {
  it('runs at each interval as time passes, and never again once cancelled', () => {
    const timers = new ManualTimers(0);
    const at: number[] = [];
    const cancel = every(timers, 250, () => at.push(timers.now()));
    timers.advance(249);
    expect(at).toEqual([]);
    timers.advance(1);
    expect(at).toEqual([250]);
    timers.advance(1000);
    expect(at).toEqual([250, 500, 750, 1000, 1250]);
    cancel();
    timers.advance(1000);
    expect(at).toHaveLength(5);
    expect(timers.pending).toBe(0);
  });

  it('can be cancelled from inside its own run', () => {
    const timers = new ManualTimers(0);
    let runs = 0;
    const cancel = every(timers, 10, () => {
      if (++runs === 2) cancel();
    });
    timers.advance(100);
    expect(runs).toBe(2);
    expect(timers.pending).toBe(0);
  });
});
