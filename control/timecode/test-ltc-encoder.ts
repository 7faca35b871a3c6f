/**
 * An LTC encoder for the tests: frames of timecode as biphase-mark audio, the way a deck or a timecode generator
 * puts them out (a square wave with a rounded edge), with the level, hiss, hum, DC offset and tape speed a test
 * asks for; and a 16-bit WAV file of it, for the audio input path.
 */
import { RATES, fromFrames, timecodeOf, toFrames } from '../../src/perform';
import { writeLtcFrame } from './ltc-frame';
import type { TimecodeRate } from '../../src/shared/timecode';

export interface LtcSignal {
  /** The first frame, hh:mm:ss:ff. */
  start: string;
  rate: TimecodeRate;
  frames: number;
  sampleRate?: number;
  /** Peak level, or a function of the time in seconds (a fader moving). */
  level?: number | ((seconds: number) => number);
  /** Peak of seeded white noise. */
  noise?: number;
  /** 50 Hz hum, peak. */
  hum?: number;
  dc?: number;
  /** Tape speed: 1.05 plays 5% fast. */
  speed?: number;
  /** Played backwards: the frames come out from the last to the first. */
  reverse?: boolean;
}

/** The samples of an LTC signal. */
export function encodeLtc(s: LtcSignal): Float32Array {
  const sampleRate = s.sampleRate ?? 48_000;
  const rate = RATES[s.rate];
  const first = toFrames(timecodeOf(s.start), s.rate);
  const bits: number[] = [];
  for (let i = 0; i < s.frames; i++) {
    bits.push(...writeLtcFrame(fromFrames(first + i, s.rate), rate.drop, s.rate === '25' ? 59 : 27));
  }
  const bitSamples = sampleRate / (rate.fps * 80 * (s.speed ?? 1));
  const total = Math.ceil(bits.length * bitSamples);
  const out = new Float32Array(total);
  // Transitions so far: one at each cell's start and one in the middle of each 1, so a prefix count of ones.
  const onesBefore = new Int32Array(bits.length + 1);
  bits.forEach((b, i) => (onesBefore[i + 1] = onesBefore[i]! + b));
  let smooth = 0;
  let seed = 12345;
  const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  // A rise time of about 25 µs, as SMPTE asks for (and as a cable and a sound card round it).
  const rise = 1 - Math.exp(-1 / (25e-6 * sampleRate));
  for (let n = 0; n < total; n++) {
    const cell = n / bitSamples;
    const index = Math.min(bits.length - 1, Math.floor(cell));
    const mid = cell - index >= 0.5 && bits[index] === 1 ? 1 : 0;
    const polarity = (index + onesBefore[index]! + mid) % 2 === 0 ? 1 : -1;
    smooth += (polarity - smooth) * rise;
    const seconds = n / sampleRate;
    const level = typeof s.level === 'function' ? s.level(seconds) : (s.level ?? 0.5);
    out[n] =
      smooth * level + (s.noise ?? 0) * random() + (s.hum ?? 0) * Math.sin(2 * Math.PI * 50 * seconds) + (s.dc ?? 0);
  }
  return s.reverse ? out.reverse() : out;
}

/** Seeded white noise of peak `level`: a stand-in for the music on the other channels of an input. */
export function noise(length: number, level: number, seed = 777): Float32Array {
  const out = new Float32Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) out[i] = ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 2 * level;
  return out;
}

/** A 16-bit PCM WAV file: `samples` as one channel, or several channels of the same length interleaved. */
export function wavFile(samples: Float32Array | Float32Array[], sampleRate: number): Buffer {
  const channels = Array.isArray(samples) ? samples : [samples];
  const frames = channels[0]!.length;
  const n = channels.length;
  const data = Buffer.alloc(frames * n * 2);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < n; c++) {
      const v = channels[c]![i]!;
      data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32767), (i * n + c) * 2);
    }
  }
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(n, 22);
  head.writeUInt32LE(sampleRate, 24);
  head.writeUInt32LE(sampleRate * 2 * n, 28);
  head.writeUInt16LE(2 * n, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}
