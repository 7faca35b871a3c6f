/**
 * Audio analysis on a PCM seam: mono float samples in (from an ffmpeg-captured device, or a WHIP audio track once
 * decoded), level, three bands (low < 200 Hz < mid < 2 kHz < high) and onsets out, each 0..1. Levels are in dB
 * mapped from `floorDb`..0 dBFS onto 0..1, with a fast attack and a slower release, as meters move.
 */
import { Biquad } from './biquad';
import type { AudioFeatures } from '../../shared/perform';

export interface AudioAnalyserOptions {
  sampleRate: number;
  /** Level that reads 0 (dBFS). */
  floorDb: number;
  /** Seconds per analysis hop. */
  hopSeconds: number;
  attackSeconds: number;
  releaseSeconds: number;
  /** An onset: a hop's energy this many times above the recent average (and above the floor). */
  onsetRatio: number;
  /** No two onsets closer than this (seconds). */
  onsetGapSeconds: number;
  /** How fast the onset feature falls back from 1 (seconds to 1/e). */
  onsetDecaySeconds: number;
}

const defaults: AudioAnalyserOptions = {
  sampleRate: 48_000,
  floorDb: -60,
  hopSeconds: 0.01,
  attackSeconds: 0.01,
  releaseSeconds: 0.25,
  onsetRatio: 2.5,
  onsetGapSeconds: 0.1,
  onsetDecaySeconds: 0.12,
};

const BANDS = ['level', 'low', 'mid', 'high'] as const;

export class AudioAnalyser {
  private readonly o: AudioAnalyserOptions;
  private readonly low: Biquad;
  private readonly midHigh: Biquad;
  private readonly midLow: Biquad;
  private readonly high: Biquad;
  private readonly hop: number;
  private sums = { level: 0, low: 0, mid: 0, high: 0 };
  private count = 0;
  private meters = { level: 0, low: 0, mid: 0, high: 0 };
  private average = 0;
  private sinceOnset = Infinity;
  private onsetValue = 0;
  /** Seconds of audio analysed. */
  time = 0;
  onsets = 0;

  /** The rate the filters are made for. */
  get sampleRate(): number {
    return this.o.sampleRate;
  }

  constructor(options: Partial<AudioAnalyserOptions> = {}) {
    this.o = { ...defaults, ...options } satisfies AudioAnalyserOptions;
    const sr = this.o.sampleRate;
    this.low = new Biquad('lowpass', 200, sr);
    this.midHigh = new Biquad('highpass', 200, sr);
    this.midLow = new Biquad('lowpass', 2000, sr);
    this.high = new Biquad('highpass', 2000, sr);
    this.hop = Math.max(1, Math.round(this.o.hopSeconds * sr));
  }

  /** Analyses a block of mono samples (-1..1). */
  feed(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i]!;
      const low = this.low.step(x);
      const mid = this.midLow.step(this.midHigh.step(x));
      const high = this.high.step(x);
      this.sums.level += x * x;
      this.sums.low += low * low;
      this.sums.mid += mid * mid;
      this.sums.high += high * high;
      if (++this.count === this.hop) this.endHop();
    }
  }

  /** The features now. */
  features(): AudioFeatures {
    return { ...this.meters, onset: this.onsetValue };
  }

  private endHop(): void {
    const dt = this.count / this.o.sampleRate;
    this.time += dt;
    for (const band of BANDS) {
      const rms = Math.sqrt(this.sums[band] / this.count);
      // A full-scale sine reads 0 dB: RMS times sqrt(2).
      const db = 20 * Math.log10(rms * Math.SQRT2 + 1e-12);
      const target = Math.min(1, Math.max(0, 1 - db / this.o.floorDb));
      const tau = target > this.meters[band] ? this.o.attackSeconds : this.o.releaseSeconds;
      this.meters[band] += (target - this.meters[band]) * (1 - Math.exp(-dt / tau));
    }
    this.detectOnset(this.sums.level / this.count, dt);
    this.sums = { level: 0, low: 0, mid: 0, high: 0 };
    this.count = 0;
  }

  private detectOnset(energy: number, dt: number): void {
    this.sinceOnset += dt;
    this.onsetValue *= Math.exp(-dt / this.o.onsetDecaySeconds);
    const floor = 10 ** (this.o.floorDb / 10);
    if (energy > floor && energy > this.average * this.o.onsetRatio && this.sinceOnset >= this.o.onsetGapSeconds) {
      this.onsets++;
      this.sinceOnset = 0;
      this.onsetValue = 1;
    }
    // The recent average follows over about a quarter second.
    this.average += (energy - this.average) * (1 - Math.exp(-dt / 0.25));
  }
}
