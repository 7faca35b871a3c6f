import { performance } from 'node:perf_hooks';

/** The engine's time source. Injectable, so tests tick frames by hand and offline renders are deterministic. */
export interface Clock {
  readonly kind: 'realtime' | 'fixed-step' | 'manual';
  /** Milliseconds on this clock. */
  now(): number;
  /** Resolves once `now() >= t`. */
  sleepUntil(t: number): Promise<void>;
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
    while (this.now() < t) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Virtual time that jumps to each deadline at once: every frame is rendered, as fast as possible. */
export class FixedStepClock implements Clock {
  readonly kind = 'fixed-step';
  private t = 0;

  now(): number {
    return this.t;
  }

  async sleepUntil(t: number): Promise<void> {
    this.t = Math.max(this.t, t);
    // Yield so sockets and timers still run between frames.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Virtual time that moves only when a test calls `tick()`: one tick releases one frame. */
export class ManualClock implements Clock {
  readonly kind = 'manual';
  private t = 0;
  private credits = 0;
  private waiter: { t: number; resolve: () => void } | undefined;

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

  private release(): void {
    if (!this.waiter || this.credits === 0) return;
    this.credits--;
    const { t, resolve } = this.waiter;
    this.waiter = undefined;
    this.t = Math.max(this.t, t);
    resolve();
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
