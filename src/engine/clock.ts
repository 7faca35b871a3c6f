import { performance } from 'node:perf_hooks';
import { VirtualQueue } from '../kernel/virtual-queue';

/** The engine's time source. Injectable, so tests tick frames by hand and offline renders are deterministic. */
export interface Clock {
  readonly kind: 'realtime' | 'fixed-step' | 'manual';
  /** Milliseconds on this clock. */
  now(): number;
  /** Resolves once `now() >= t`. */
  sleepUntil(t: number): Promise<void>;
  /** Calls `fn` once, `ms` from now on this clock (debounces, backoffs, watchdogs); returns the cancel. */
  after(ms: number, fn: () => void): Cancel;
}

/** Cancels a timer set with `Clock.after`; calling it after the timer fired does nothing. */
export type Cancel = () => void;

/**
 * `promise`'s outcome, or `late` once `ms` have passed on `clock`, whichever comes first; the timer is cancelled
 * when the promise settles first. A rejection passes through.
 */
export function within<T, L>(clock: Clock, ms: number, promise: Promise<T>, late: L): Promise<T | L> {
  return new Promise((resolve, reject) => {
    const cancel = clock.after(Math.max(0, ms), () => resolve(late));
    promise.then(
      (value) => (cancel(), resolve(value)),
      (err: unknown) => (cancel(), reject(err)),
    );
  });
}

/** Wall-clock time. Sleeps with a timer, then yields to I/O until the deadline for sub-millisecond pacing. */
export class RealtimeClock implements Clock {
  readonly kind = 'realtime';
  /** How early the coarse timer hands over to the fine wait; Node timers fire up to ~1 ms late. */
  constructor(private readonly spinMs = 1.5) {}

  now(): number {
    return performance.now();
  }

  async sleepUntil(t: number): Promise<void> {
    const coarse = t - this.now() - this.spinMs;
    if (coarse > 0) await new Promise((resolve) => setTimeout(resolve, coarse));
    // At least one turn of the event loop even when the deadline has passed: a pipeline that renders slower
    // than the frame rate on this thread must not starve sockets, timers and signals.
    do await new Promise((resolve) => setImmediate(resolve));
    while (this.now() < t);
  }

  after(ms: number, fn: () => void): Cancel {
    // A timer on the clock never keeps the process alive by itself; the sockets and the frame loop do.
    const timer = setTimeout(fn, Math.max(0, ms)).unref();
    return () => clearTimeout(timer);
  }
}

/** Virtual time that jumps to each deadline at once: every frame is rendered, as fast as possible. */
export class FixedStepClock implements Clock {
  readonly kind = 'fixed-step';
  private t = 0;

  now(): number {
    return this.t;
  }

  private readonly timers = new VirtualQueue();

  async sleepUntil(t: number): Promise<void> {
    this.timers.runUntil(t, (at) => (this.t = Math.max(this.t, at)));
    this.t = Math.max(this.t, t);
    // Yield so sockets and timers still run between frames.
    await new Promise((resolve) => setImmediate(resolve));
  }

  after(ms: number, fn: () => void): Cancel {
    return this.timers.add(this.t + Math.max(0, ms), fn);
  }
}

/**
 * Virtual time that moves only when a test says so: `tick()` releases one frame (time jumps to its due time),
 * `advance(ms)` lets time pass. Timers set with `after` fire as time passes them, so a test ticks instead of
 * sleeping.
 */
export class ManualClock implements Clock {
  readonly kind = 'manual';
  private t = 0;
  private credits = 0;
  private waiter: { t: number; resolve: () => void } | undefined;
  private readonly timers = new VirtualQueue();

  now(): number {
    return this.t;
  }

  sleepUntil(t: number): Promise<void> {
    if (t <= this.t) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiter = { t, resolve };
      this.release();
    });
  }

  /** Lets the engine run its next frame (now or as soon as it asks). */
  tick(): void {
    this.credits++;
    this.release();
  }

  /** Lets `ms` pass: the timers due on the way fire, and a frame waiting for a time now passed is released. */
  advance(ms: number): void {
    const target = this.t + Math.max(0, ms);
    this.moveTo(target);
    const waiter = this.waiter;
    if (waiter && waiter.t <= this.t) {
      this.waiter = undefined;
      waiter.resolve();
    }
  }

  after(ms: number, fn: () => void): Cancel {
    return this.timers.add(this.t + Math.max(0, ms), fn);
  }

  private release(): void {
    if (!this.waiter || this.credits === 0) return;
    this.credits--;
    const { t, resolve } = this.waiter;
    this.waiter = undefined;
    this.moveTo(t);
    resolve();
  }

  private moveTo(t: number): void {
    this.timers.runUntil(t, (at) => (this.t = Math.max(this.t, at)));
    this.t = Math.max(this.t, t);
  }
}

export type ClockKind = Clock['kind'];

/** Builds a clock by name (`--clock` and tests). */
export function createClock(kind: ClockKind): Clock {
  switch (kind) {
    case 'realtime':
      return new RealtimeClock();
    case 'fixed-step':
      return new FixedStepClock();
    case 'manual':
      return new ManualClock();
  }
}
