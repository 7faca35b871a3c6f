import { describe, expect, it } from 'vitest';
import { FixedStepClock, ManualClock, RealtimeClock, within } from './clock';
import { RollingWindow } from './stats';
import type { Clock } from './clock';

describe('clocks', () => {
  it('a manual clock moves only on tick', async () => {
    const clock = new ManualClock();
    let woke = false;
    const sleeping = clock.sleepUntil(100).then(() => (woke = true));
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    expect(clock.now()).toBe(0);
    clock.tick();
    await sleeping;
    expect(clock.now()).toBe(100);
  });

  it('a tick given before the wait is kept for it', async () => {
    const clock = new ManualClock();
    clock.tick();
    await clock.sleepUntil(50);
    expect(clock.now()).toBe(50);
  });

  it('manual timers fire in time order as time passes them, at their own time, and can be cancelled', () => {
    const clock = new ManualClock();
    const fired: [string, number][] = [];
    clock.after(200, () => fired.push(['b', clock.now()]));
    clock.after(100, () => {
      fired.push(['a', clock.now()]);
      clock.after(50, () => fired.push(['a+50', clock.now()]));
    });
    const cancel = clock.after(120, () => fired.push(['cancelled', clock.now()]));
    cancel();
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(101);
    expect(fired).toEqual([
      ['a', 100],
      ['a+50', 150],
      ['b', 200],
    ]);
    expect(clock.now()).toBe(200);
  });

  it('a tick moves time to the frame and fires the timers due by then; advance releases a waiting frame', async () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.after(20, () => fired.push(clock.now()));
    clock.after(80, () => fired.push(clock.now()));
    const frame = clock.sleepUntil(50);
    clock.tick();
    await frame;
    expect(fired).toEqual([20]);
    let woke = false;
    const next = clock.sleepUntil(100).then(() => (woke = true));
    clock.advance(40);
    await new Promise((r) => setImmediate(r));
    expect([woke, fired]).toEqual([false, [20, 80]]);
    clock.advance(10);
    await next;
    expect(clock.now()).toBe(100);
  });

  it('fixed-step timers fire when the clock jumps past them', async () => {
    const clock = new FixedStepClock();
    const fired: number[] = [];
    clock.after(50, () => fired.push(clock.now()));
    await clock.sleepUntil(1000 / 30);
    expect(fired).toEqual([]);
    await clock.sleepUntil(2000 / 30);
    expect(fired).toEqual([50]);
  });

  it('a real-time clock yields to I/O even when the deadline has passed (a slow render must not starve sockets)', async () => {
    const clock = new RealtimeClock();
    let ran = false;
    setImmediate(() => (ran = true));
    await clock.sleepUntil(clock.now() - 50);
    expect(ran).toBe(true);
  });

  it('a fixed-step clock jumps straight to each deadline', async () => {
    const clock = new FixedStepClock();
    await clock.sleepUntil(1000 / 30);
    await clock.sleepUntil(2000 / 30);
    expect(clock.now()).toBeCloseTo(66.667, 2);
  });
});

describe('within', () => {
  it('answers late once the time is up on the clock, else the outcome; a settled promise cancels its timer', async () => {
    const clock = new ManualClock();
    const never = new Promise<string>(() => {});
    const timedOut = within(clock, 100, never, 'late');
    clock.advance(99);
    const first = await Promise.race([timedOut, Promise.resolve('still waiting')]);
    expect(first).toBe('still waiting');
    clock.advance(1);
    expect(await timedOut).toBe('late');

    // The timers it sets, seen through the clock: a promise that settles first leaves none to fire.
    let fired = 0;
    const watched: Clock = {
      kind: 'manual',
      now: () => clock.now(),
      sleepUntil: (t) => clock.sleepUntil(t),
      after: (ms, fn) => clock.after(ms, () => (fired++, fn())),
    };
    expect(await within(watched, 100, Promise.resolve('done'), 'late')).toBe('done');
    await expect(within(watched, 100, Promise.reject(new Error('boom')), 'late')).rejects.toThrow('boom');
    clock.advance(1000);
    expect(fired).toBe(0);
  });
});

describe('RollingWindow', () => {
  it('gives nearest-rank percentiles over the newest samples only', () => {
    const w = new RollingWindow(100);
    for (let i = 1; i <= 200; i++) w.push(i);
    expect(w.count).toBe(100);
    expect(w.quantile(0.5)).toBe(150);
    expect(w.quantile(0.99)).toBe(199);
    expect(w.quantile(1)).toBe(200);
  });

  it('stddev of a constant series is zero', () => {
    const w = new RollingWindow(10);
    for (let i = 0; i < 10; i++) w.push(33.3);
    expect(w.stddev()).toBeCloseTo(0, 10);
  });
});
