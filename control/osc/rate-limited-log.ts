/**
 * A log that says at most one line per kind per interval: a flood of bad packets from a misconfigured
 * controller must not flood the console. Lines held back are counted into the next one.
 */
export class RateLimitedLog<K extends string> {
  private last = new Map<K, { at: number; held: number }>();

  constructor(
    private readonly log: (message: string) => void,
    private readonly intervalMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs `message` unless a line of this kind went out less than an interval ago. */
  report(kind: K, message: string): void {
    const now = this.now();
    const entry = this.last.get(kind);
    if (entry && now - entry.at < this.intervalMs) {
      entry.held++;
      return;
    }
    const more = entry?.held ? ` (${entry.held} more ${kind} since the last line)` : '';
    this.last.set(kind, { at: now, held: 0 });
    this.log(`${message}${more}`);
  }
}
