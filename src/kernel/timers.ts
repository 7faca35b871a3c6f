import { VirtualQueue } from './virtual-queue';

/**
 * Wall time for services (protocol timeouts, bundle times, expiries): one small seam, so tests move time with
 * ManualTimers instead of sleeping. The frame loop has its own clock (src/engine/clock.ts).
 */
export interface Timers {
  /** Milliseconds since the epoch (OSC timetags are wall-clock times). */
  now(): number;
  /** Runs `fn` after `ms`; returns its cancel. */
  after(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/** Wall time for background work (sampling, housekeeping): its timers never keep the process alive by themselves. */
export const backgroundTimers: Timers = {
  now: () => Date.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms).unref();
    return () => clearTimeout(timer);
  },
};

/** Runs `fn` every `ms` on `timers` (stats, heartbeats) until the returned cancel is called. */
export function every(timers: Timers, ms: number, fn: () => void): () => void {
  let cancel: () => void;
  const arm = () => {
    cancel = timers.after(ms, () => {
      arm();
      fn();
    });
  };
  arm();
  return () => cancel();
}

/** Time that moves only when a test calls advance(); timers due by then run in order, each at its own time. */
export class ManualTimers implements Timers {
  private t: number;
  private readonly queue = new VirtualQueue();

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): () => void {
    return this.queue.add(this.t + Math.max(0, ms), fn);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.queue.size;
  }

  /** Moves time forward by `ms`, running each timer that falls due on the way at its own time. */
  advance(ms: number): void {
    const end = this.t + ms;
    this.queue.runUntil(end, (at) => (this.t = Math.max(this.t, at)));
    this.t = end;
  }
}
