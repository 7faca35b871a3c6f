import { describe, expect, it } from 'vitest';
import { FixedStepClock, ManualClock } from './clock';
import { RollingWindow } from './stats';

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

  it('a fixed-step clock jumps straight to each deadline', async () => {
    const clock = new FixedStepClock();
    await clock.sleepUntil(1000 / 30);
    await clock.sleepUntil(2000 / 30);
    expect(clock.now()).toBeCloseTo(66.667, 2);
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
