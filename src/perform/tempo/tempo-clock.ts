/**
 * The one musical clock: bpm, beat, phase and bar, as a straight line through (time, beat) that each tempo source
 * moves. Times are milliseconds on the engine's clock, so quantised changes land on frames and tests run on the
 * manual clock.
 */
import type { TempoSource } from '../../shared/perform';

export const MIN_BPM = 20;
export const MAX_BPM = 999;

export interface TempoClockOptions {
  /** The engine clock's now(), in ms. */
  now: () => number;
  bpm: number;
  beatsPerBar: number;
}

const defaults: TempoClockOptions = { now: () => 0, bpm: 120, beatsPerBar: 4 };

export type TempoListener = (kind: 'bpm' | 'jump' | 'play') => void;

export class TempoClock {
  private readonly o: TempoClockOptions;
  private anchor = { t: 0, beat: 0 };
  private tempo: number;
  private listeners = new Set<TempoListener>();
  source: TempoSource = 'internal';
  playing = true;

  constructor(options: Partial<TempoClockOptions> = {}) {
    this.o = { ...defaults, ...options } satisfies TempoClockOptions;
    this.tempo = clampBpm(this.o.bpm);
    this.anchor = { t: this.o.now(), beat: 0 };
  }

  get bpm(): number {
    return this.tempo;
  }

  get beatsPerBar(): number {
    return this.o.beatsPerBar;
  }

  now(): number {
    return this.o.now();
  }

  /** The beat (fractional, from 0) at time `t`. */
  beatAt(t: number = this.o.now()): number {
    return this.anchor.beat + ((t - this.anchor.t) * this.tempo) / 60_000;
  }

  /** The time at which `beat` falls, at the current tempo. */
  timeOfBeat(beat: number): number {
    return this.anchor.t + ((beat - this.anchor.beat) * 60_000) / this.tempo;
  }

  /** Changes the tempo from `t` on, keeping the beat continuous (no jump in phase). */
  setBpm(bpm: number, source: TempoSource, t: number = this.o.now()): number {
    this.anchor = { t, beat: this.beatAt(t) };
    this.tempo = clampBpm(bpm);
    this.source = source;
    this.emit('bpm');
    return this.tempo;
  }

  /**
   * Follows an external clock (MIDI clock, Link): at `t` the beat is `beat` and the tempo `bpm`. A move backwards or
   * by more than a beat is a jump (the scheduler re-aims what waits); small corrections are not.
   */
  align(t: number, beat: number, bpm: number, source: TempoSource): void {
    const before = this.beatAt(t);
    const bpmChanged = Math.abs(clampBpm(bpm) - this.tempo) > 1e-6;
    this.anchor = { t, beat };
    this.tempo = clampBpm(bpm);
    this.source = source;
    if (beat < before - 0.5 || beat > before + 1) this.emit('jump');
    if (bpmChanged) this.emit('bpm');
  }

  /** Puts beat 0 (the downbeat of bar 0) at `t`: a MIDI Start, or the performer resetting the count. */
  restart(t: number = this.o.now()): void {
    this.anchor = { t, beat: 0 };
    this.emit('jump');
  }

  setPlaying(playing: boolean): void {
    if (playing === this.playing) return;
    this.playing = playing;
    this.emit('play');
  }

  /** Position at `t`: beat, phase in the beat, bar and beat in the bar. */
  position(t: number = this.o.now()): { beat: number; phase: number; bar: number; beatInBar: number } {
    const beat = this.beatAt(t);
    const whole = Math.floor(beat + 1e-9);
    return {
      beat,
      phase: Math.max(0, beat - whole),
      bar: Math.floor(whole / this.o.beatsPerBar),
      beatInBar: ((whole % this.o.beatsPerBar) + this.o.beatsPerBar) % this.o.beatsPerBar,
    };
  }

  onChange(listener: TempoListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(kind: 'bpm' | 'jump' | 'play'): void {
    for (const l of [...this.listeners]) {
      try {
        l(kind);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}

/** A tempo within what any source can mean (20..999 bpm); not a number gives 120. */
export function clampBpm(bpm: number): number {
  if (!Number.isFinite(bpm)) return 120;
  return Math.min(MAX_BPM, Math.max(MIN_BPM, bpm));
}
