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

/** Time that moves only when a test calls advance(); timers due by then run in order. */
export class ManualTimers implements Timers {
  private t: number;
  private queue: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): () => void {
    const entry = { at: this.t + Math.max(0, ms), fn, seq: this.seq++ };
    this.queue.push(entry);
    return () => {
      this.queue = this.queue.filter((e) => e !== entry);
    };
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.queue.length;
  }

  /** Moves time forward by `ms`, running each timer that falls due on the way at its own time. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.queue.filter((e) => e.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.queue = this.queue.filter((e) => e !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}
