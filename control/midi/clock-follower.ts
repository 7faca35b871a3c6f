/**
 * MIDI clock in: 24 ticks per quarter note, Start/Stop/Continue and Song Position Pointer, turned into a tempo and
 * a beat position. Tick times jitter (USB, drivers, the sender's own timer), so the bpm and the phase come from a
 * least-squares line through the recent ticks rather than from the last interval.
 */
import type { TempoSource } from '../../src/shared/perform';

export const PPQN = 24;

/** The part of the tempo clock that a follower moves. */
export interface FollowedClock {
  align(t: number, beat: number, bpm: number, source: TempoSource): void;
  restart(t: number): void;
  setPlaying(playing: boolean): void;
}

export interface ClockFollowerOptions {
  /** Ticks in the fitted line (48 = two beats). */
  window: number;
  /** Ticks needed before the tempo is trusted. */
  minTicks: number;
  /** A gap longer than this (the sender stopped) starts a new fit. */
  gapMs: number;
}

const defaults: ClockFollowerOptions = { window: 48, minTicks: 12, gapMs: 1000 };

export class MidiClockFollower {
  private readonly o: ClockFollowerOptions;
  private times: number[] = [];
  private indexes: number[] = [];
  /** Ticks since the song position 0 (Start sets it to 0, Song Position to 6 per sixteenth). */
  private tickIndex = 0;
  private running = false;
  private armedStart = false;
  bpm: number | undefined;
  ticks = 0;

  constructor(
    private readonly clock: FollowedClock,
    options: Partial<ClockFollowerOptions> = {},
  ) {
    this.o = { ...defaults, ...options } satisfies ClockFollowerOptions;
  }

  /** A Timing Clock (0xF8) received at `t` ms. */
  tick(t: number): void {
    this.ticks++;
    const last = this.times.at(-1);
    if (last !== undefined && (t - last > this.o.gapMs || t < last)) this.forget();
    // After a Start the first tick is the downbeat; the position counts from there.
    if (this.armedStart) {
      this.armedStart = false;
      this.clock.restart(t);
    } else if (this.times.length > 0 || this.running) this.tickIndex++;
    this.times.push(t);
    this.indexes.push(this.tickIndex);
    if (this.times.length > this.o.window) {
      this.times.shift();
      this.indexes.shift();
    }
    if (this.times.length < this.o.minTicks) return;
    const fit = fitLine(this.indexes, this.times);
    if (!fit || fit.slope <= 0) return;
    this.bpm = 60_000 / (fit.slope * PPQN);
    // The fitted time of this tick, not its arrival: the jitter averages out of the phase too.
    const at = fit.intercept + fit.slope * this.tickIndex;
    this.clock.align(at, this.tickIndex / PPQN, this.bpm, 'midi');
  }

  /** Start (0xFA): the next tick is beat 0. */
  start(): void {
    this.running = true;
    this.armedStart = true;
    this.tickIndex = 0;
    this.forget();
    this.clock.setPlaying(true);
  }

  /** Continue (0xFB): the position goes on from where Stop or Song Position left it. */
  continue(): void {
    this.running = true;
    this.clock.setPlaying(true);
  }

  /** Stop (0xFC). */
  stop(): void {
    this.running = false;
    this.clock.setPlaying(false);
  }

  /** Song Position Pointer (0xF2): `sixteenths` MIDI beats from the start of the song. */
  songPosition(sixteenths: number): void {
    // The next tick plays this position, so the counter sits one tick before it.
    this.tickIndex = sixteenths * 6 - 1;
    this.forget();
  }

  private forget(): void {
    this.times = [];
    this.indexes = [];
  }
}

/** Least-squares line y = intercept + slope * x. */
function fitLine(xs: number[], ys: number[]): { slope: number; intercept: number } | undefined {
  const n = xs.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    sxx += dx * dx;
    sxy += dx * (ys[i]! - my);
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}
