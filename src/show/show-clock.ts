import { performance } from 'node:perf_hooks';
import { RealtimeClock } from '../engine/clock';
import type { Cancel, Clock } from '../engine/clock';

/**
 * The show's time on this node: milliseconds since the show began, by the reference clock every node of the show
 * estimates its offset to (the NATS server's). It runs at the speed of this machine's monotonic clock; an
 * estimate that moves by less than `slewMs` is eased in over the next seconds rather than jumped to.
 */
export class ShowClock implements Clock {
  readonly kind = 'realtime';
  private readonly real = new RealtimeClock();
  /** show time = performance.now() + base. */
  private base: number;
  private target: number;
  private lastSlewAt = performance.now();

  constructor(
    base: number,
    private readonly slewMs = 5,
  ) {
    this.base = this.target = base;
  }

  /** A new estimate of `base` (show time minus performance.now()). */
  setBase(base: number): void {
    this.target = base;
    if (Math.abs(base - this.base) > this.slewMs) this.base = base;
  }

  /** How far this node's time still is from its newest estimate (ms). */
  get pendingCorrection(): number {
    return this.target - this.base;
  }

  now(): number {
    this.slew();
    return performance.now() + this.base;
  }

  async sleepUntil(t: number): Promise<void> {
    // The base may move while sleeping: wait on the local clock, then check again on the show's.
    while (this.now() < t) await this.real.sleepUntil(t - this.base);
  }

  after(ms: number, fn: () => void): Cancel {
    return this.real.after(ms, fn);
  }

  /** At most 1 ms of correction per second of show: frames stay evenly spaced. */
  private slew(): void {
    const at = performance.now();
    const step = (at - this.lastSlewAt) / 1000;
    this.lastSlewAt = at;
    const gap = this.target - this.base;
    if (gap !== 0) this.base += Math.sign(gap) * Math.min(Math.abs(gap), step);
  }
}
