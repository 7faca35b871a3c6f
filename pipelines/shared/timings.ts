/** Milliseconds spent per pipeline stage, summed, for the benchmark and the log. */
export class Timings {
  private readonly totals = new Map<string, { ms: number; count: number }>();

  add(stage: string, ms: number): void {
    const t = this.totals.get(stage) ?? { ms: 0, count: 0 };
    t.ms += ms;
    t.count++;
    this.totals.set(stage, t);
  }

  /** Runs `f` and adds its duration under `stage`. */
  async time<T>(stage: string, f: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    try {
      return await f();
    } finally {
      this.add(stage, performance.now() - started);
    }
  }

  /** Mean milliseconds per call of each stage. */
  means(): Record<string, { meanMs: number; count: number }> {
    return Object.fromEntries([...this.totals].map(([k, v]) => [k, { meanMs: v.ms / v.count, count: v.count }]));
  }

  reset(): void {
    this.totals.clear();
  }
}
