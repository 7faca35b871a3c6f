/**
 * Several sources on one universe (two desks, a desk and a backup, an sACN source at a higher priority). The rule,
 * per universe: the sources at the highest sACN priority heard within the timeout count (Art-Net has no priority:
 * 100, the sACN default); among them `ltp` takes the whole universe of the source heard last ("latest wins"), and
 * `htp` takes each channel's highest level. A source silent for `timeoutMs` drops out (E1.31's network data loss
 * timeout is 2.5 s); when every source is gone the last levels are held, as a desk's blackout must be sent.
 */

export type MergeMode = 'ltp' | 'htp';

interface Source {
  data: Uint8Array;
  priority: number;
  at: number;
}

export const SOURCE_TIMEOUT_MS = 2500;

export class UniverseMerge {
  private readonly sources = new Map<string, Source>();
  private held = new Uint8Array(512);

  constructor(
    private readonly mode: MergeMode,
    private readonly timeoutMs = SOURCE_TIMEOUT_MS,
  ) {}

  /** A packet from `source` at time `at` (ms). */
  put(source: string, data: Uint8Array, priority: number, at: number): void {
    this.sources.set(source, { data, priority, at });
  }

  has(source: string): boolean {
    return this.sources.has(source);
  }

  /** The source says it stopped (sACN stream terminated): it no longer counts, at once. */
  drop(source: string): void {
    this.sources.delete(source);
  }

  /** How many sources count at `now`. */
  live(now: number): number {
    this.expire(now);
    return this.sources.size;
  }

  /** The universe's 512 levels at `now`. */
  levels(now: number): Uint8Array {
    this.expire(now);
    let top = -1;
    for (const s of this.sources.values()) top = Math.max(top, s.priority);
    const winners = [...this.sources.values()].filter((s) => s.priority === top);
    if (winners.length === 0) return this.held;
    const out = new Uint8Array(512);
    if (this.mode === 'ltp') {
      const latest = winners.reduce((a, b) => (b.at >= a.at ? b : a));
      out.set(latest.data.subarray(0, 512));
    } else {
      for (const s of winners)
        for (let i = 0; i < s.data.length && i < 512; i++) out[i] = Math.max(out[i]!, s.data[i]!);
    }
    this.held = out;
    return out;
  }

  private expire(now: number): void {
    for (const [key, s] of this.sources) if (now - s.at > this.timeoutMs) this.sources.delete(key);
  }
}
