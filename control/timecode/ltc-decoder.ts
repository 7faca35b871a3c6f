/**
 * An LTC decoder: mono PCM in, timecode frames out. LTC is biphase-mark coded: every bit cell starts with a
 * transition and a 1 has a second one in its middle. So the decoder finds the signal's zero crossings (with
 * hysteresis at a fraction of the tracked level, so hum and hiss do not count and a fader moving does not matter),
 * sorts the gaps between them into half and whole bits against a bit period it keeps tracking (tape speeds vary),
 * and looks for the sync word at the end of each 80 bits, forwards or backwards.
 */
import { LTC_BITS, SYNC_WORD, endsWithSync, readLtcFrame } from './ltc-frame';
import { dayFrames, toFrames } from '../../src/perform';
import type { Timecode } from '../../src/perform';
import type { TimecodeRate } from '../../src/shared/timecode';

export interface LtcFrame {
  /** Frames since midnight at `rate`: the frame that starts as this one ends (the one before, backwards). */
  frames: number;
  rate: TimecodeRate;
  reverse: boolean;
  /** The sample (counted from the first fed) at which the frame ended. */
  sample: number;
}

/** Bits per second at the slowest and fastest rates, with 10% of tape speed either way. */
const SLOWEST_BITS = 24 * 80 * 0.9;
const FASTEST_BITS = 30 * 80 * 1.1;

export class LtcDecoder {
  private sample = 0;
  private level = 0;
  private dc = 0;
  private high = false;
  private lastEdge: number | undefined;
  private previous = 0;
  /** Samples per bit, as tracked. */
  private period: number;
  private halfPending = false;
  private readonly window: number[] = [];
  private lastFrameEnd: number | undefined;
  private samplesPerFrame: number | undefined;
  private previousTc: Timecode | undefined;
  private nominal: number | undefined;
  private lastFrame: number | undefined;
  private candidate: number | undefined;
  /** Frames decoded and believed so far. */
  frames = 0;

  private readonly shortestBit: number;
  private readonly longestBit: number;

  constructor(readonly sampleRate: number) {
    this.period = sampleRate / Math.sqrt(SLOWEST_BITS * FASTEST_BITS);
    this.shortestBit = sampleRate / FASTEST_BITS;
    this.longestBit = sampleRate / SLOWEST_BITS;
  }

  /** Feeds samples (-1..1); returns the frames that ended in them. */
  feed(samples: Float32Array): LtcFrame[] {
    const out: LtcFrame[] = [];
    // The level follows peaks at once and decays over ~20 ms; the DC estimate over ~100 ms.
    const decay = Math.exp(-1 / (0.02 * this.sampleRate));
    const dcRate = 1 / (0.1 * this.sampleRate);
    for (let i = 0; i < samples.length; i++) {
      // A non-finite sample (a broken capture) would poison the DC and level estimates for good: heard as silence.
      const raw = Number.isFinite(samples[i]) ? samples[i]! : 0;
      this.dc += (raw - this.dc) * dcRate;
      const x = raw - this.dc;
      this.level = Math.max(Math.abs(x), this.level * decay);
      const threshold = this.level * 0.25;
      const flips = this.high ? x < -threshold : x > threshold;
      if (flips && this.level > 1e-3) {
        this.high = !this.high;
        // Where the signal crossed zero between this sample and the one before, to a fraction of a sample.
        const cross =
          this.previous !== x && Math.sign(this.previous) !== Math.sign(x) ? this.previous / (this.previous - x) : 1;
        this.edge(this.sample - 1 + cross, out);
      }
      this.previous = x;
      this.sample++;
    }
    return out;
  }

  private edge(at: number, out: LtcFrame[]): void {
    const last = this.lastEdge;
    this.lastEdge = at;
    if (last === undefined) return;
    const gap = at - last;
    // Longer than two bits: a dropout or silence; start over.
    if (gap > this.period * 2) {
      this.halfPending = false;
      this.window.length = 0;
      return;
    }
    if (gap < this.period * 0.75) {
      this.track(gap * 2);
      // A 1 is known at its middle: the second half only closes the cell (so the last bit of a signal counts too).
      this.halfPending = !this.halfPending;
      if (this.halfPending) this.bit(1, at, out);
    } else {
      this.track(gap);
      this.halfPending = false;
      this.bit(0, at, out);
    }
  }

  /**
   * Moves the bit period towards a measured bit, within what LTC can be: a whistle or other fast signal would
   * otherwise shrink it so far that every real bit after it reads as a dropout, and nothing would decode again.
   */
  private track(bit: number): void {
    const next = this.period + (bit - this.period) * 0.05;
    this.period = Math.min(this.longestBit, Math.max(this.shortestBit, next));
  }

  private bit(b: number, at: number, out: LtcFrame[]): void {
    this.window.push(b);
    if (this.window.length > LTC_BITS) this.window.shift();
    if (this.window.length < LTC_BITS) return;
    let bits: number[] | undefined;
    let reverse = false;
    if (endsWithSync(this.window)) bits = this.window;
    else if (this.window.slice(0, 16).every((v, i) => v === SYNC_WORD[15 - i])) {
      bits = [...this.window].reverse();
      reverse = true;
    }
    if (!bits) return;
    const read = readLtcFrame(bits);
    this.window.length = 0;
    if (!read) return;
    if (this.lastFrameEnd !== undefined) {
      const span = at - this.lastFrameEnd;
      // One frame later: the frame length measured; anything else (a dropout) keeps the last measure.
      if (Math.abs(span - this.period * LTC_BITS) < this.period * 8) this.samplesPerFrame = span;
    }
    this.lastFrameEnd = at;
    this.learnRate(read.tc);
    const rate = this.rate(read.drop);
    const frames = toFrames(read.tc, rate) + (reverse ? 0 : 1);
    // LTC has no checksum: a crackle can turn a frame into another valid one. A frame is believed when it follows
    // the one before (a jump is believed one frame late, when the frame after it confirms it).
    const step = reverse ? -1 : 1;
    const day = dayFrames(rate);
    const follows = (prev: number | undefined) => prev !== undefined && (prev + step - frames) % day === 0;
    const believed = follows(this.lastFrame) || follows(this.candidate);
    this.candidate = frames;
    if (!believed) return;
    this.lastFrame = frames;
    this.frames++;
    out.push({ frames, rate, reverse, sample: Math.round(at) });
  }

  /** The frame count of a second, once one ended: the last frame before the seconds change, plus one. */
  private learnRate(tc: Timecode): void {
    const prev = this.previousTc;
    this.previousTc = tc;
    if (!prev) return;
    const next = (a: Timecode, b: Timecode) => b.frames === 0 && (a.seconds + 1) % 60 === b.seconds;
    const counted = next(prev, tc) ? prev.frames + 1 : next(tc, prev) ? tc.frames + 1 : 0;
    if (counted === 24 || counted === 25 || counted === 30) this.nominal = counted;
  }

  /**
   * 29.97 when flagged drop-frame; else 24, 25 or 30 counted from a whole second once one passed (true at any tape
   * speed), and until then guessed from the frame length (or, before two frames, the bit period).
   */
  private rate(drop: boolean): TimecodeRate {
    if (drop) return '29.97df';
    if (this.nominal !== undefined) return this.nominal === 30 ? '30' : this.nominal === 25 ? '25' : '24';
    const fps = this.sampleRate / (this.samplesPerFrame ?? this.period * LTC_BITS);
    return fps < 24.5 ? '24' : fps < 27.5 ? '25' : '30';
  }
}
