/**
 * Counts what the server refused or dropped to protect itself (foreign origins, bad Host headers, missing
 * tokens, oversized messages, OSC bundles over their caps), by reason, for /api/v1/stats and the panel.
 */
export class RefusalCounter {
  private readonly counts = new Map<string, number>();

  count(reason: string, n = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + n);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}
