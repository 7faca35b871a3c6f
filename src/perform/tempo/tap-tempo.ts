/** Tap tempo: the mean interval of the last taps, forgotten after a pause. */
export interface TapTempoOptions {
  /** A gap longer than this starts a new count. */
  resetMs: number;
  /** How many intervals are averaged. */
  window: number;
}

const defaults: TapTempoOptions = { resetMs: 2000, window: 8 };

export class TapTempo {
  private readonly o: TapTempoOptions;
  private taps: number[] = [];

  constructor(options: Partial<TapTempoOptions> = {}) {
    this.o = { ...defaults, ...options } satisfies TapTempoOptions;
  }

  /** One tap at `t` ms; the bpm once two taps are in, else undefined. */
  tap(t: number): number | undefined {
    const last = this.taps.at(-1);
    if (last === undefined || t - last > this.o.resetMs || t <= last) this.taps = [];
    this.taps.push(t);
    if (this.taps.length > this.o.window + 1) this.taps.shift();
    if (this.taps.length < 2) return undefined;
    const span = this.taps.at(-1)! - this.taps[0]!;
    return (60_000 * (this.taps.length - 1)) / span;
  }

  /** Taps counted in the current run. */
  get count(): number {
    return this.taps.length;
  }
}
