/**
 * Callbacks due at points of virtual time. The one queue behind every clock that moves only when told to: the
 * engine's ManualClock and FixedStepClock (src/engine/clock.ts) and the services' ManualTimers (timers.ts), so
 * "which timer fires when, and at what time" has one answer everywhere.
 */
export class VirtualQueue {
  // Kept sorted by time; equal times keep the order they were added in.
  private pending: { at: number; fn: () => void }[] = [];

  /** Queues `fn` for time `at`; returns its cancel (a no-op once it ran or was cancelled). */
  add(at: number, fn: () => void): () => void {
    const entry = { at, fn };
    const i = this.pending.findIndex((p) => p.at > at);
    this.pending.splice(i < 0 ? this.pending.length : i, 0, entry);
    return () => {
      const j = this.pending.indexOf(entry);
      if (j >= 0) this.pending.splice(j, 1);
    };
  }

  /** Callbacks still waiting. */
  get size(): number {
    return this.pending.length;
  }

  /**
   * Runs every callback due by `t`, in time order, calling `moveTo(at)` before each so the owner's time reads its
   * due time while it runs. A callback may add or cancel others; one it adds that falls due by `t` runs too.
   */
  runUntil(t: number, moveTo: (at: number) => void): void {
    for (;;) {
      const next = this.pending[0];
      if (next === undefined || next.at > t) return;
      this.pending.shift();
      moveTo(next.at);
      next.fn();
    }
  }
}
