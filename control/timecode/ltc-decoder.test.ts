import { describe, expect, it } from 'vitest';
import { LtcDecoder } from './ltc-decoder';
import { encodeLtc } from './test-ltc-encoder';
import { formatTimecode, fromFrames, timecodeOf, toFrames } from '../../src/perform';
import { timecodeRates } from '../../src/shared/timecode';
import type { LtcFrame } from './ltc-decoder';
import type { TimecodeRate } from '../../src/shared/timecode';

/** Decodes a signal fed in blocks of `block` samples, as an audio device delivers it. */
function decode(signal: Float32Array, sampleRate = 48_000, block = 1024): LtcFrame[] {
  const d = new LtcDecoder(sampleRate);
  const out: LtcFrame[] = [];
  for (let i = 0; i < signal.length; i += block) out.push(...d.feed(signal.subarray(i, i + block)));
  return out;
}

const labels = (frames: LtcFrame[], rate: TimecodeRate) =>
  frames.map((f) => formatTimecode(fromFrames(f.frames, rate), rate === '29.97df'));

describe('LTC decoder', () => {
  it.each(timecodeRates)('decodes every frame of a clean signal at %s, rate and all', (rate) => {
    const signal = encodeLtc({ start: '01:02:03:00', rate, frames: 50 });
    const frames = decode(signal);
    // The first frame is believed when the second follows it (LTC has no checksum): 49 of 50 come out.
    expect(frames).toHaveLength(49);
    expect(frames.every((f) => f.rate === rate && !f.reverse)).toBe(true);
    // Each frame is read as it ends: the position is then the frame after it.
    const want = Array.from({ length: 49 }, (_, i) => frames[0]!.frames + i);
    expect(frames.map((f) => f.frames)).toEqual(want);
    expect(labels(frames.slice(0, 1), rate)).toEqual([rate === '29.97df' ? '01:02:03;02' : '01:02:03:02']);
  });

  it('29.97 drop-frame: the minute boundary skips ;00 and ;01', () => {
    const frames = decode(encodeLtc({ start: '00:00:59:26', rate: '29.97df', frames: 5 }));
    expect(labels(frames, '29.97df')).toEqual(['00:00:59;28', '00:00:59;29', '00:01:00;02', '00:01:00;03']);
  });

  it.each(timecodeRates)(
    'at %s, holds on through hiss, hum, a DC offset and a fader pulled from full to -30 dB and back',
    (rate) => {
      const level = (t: number) => (t < 1 ? 0.9 : t < 2 ? 0.9 * 10 ** (-30 / 20) : 0.6);
      const signal = encodeLtc({ start: '10:00:00:00', rate, frames: 75, level, noise: 0.01, hum: 0.005, dc: 0.05 });
      const frames = decode(signal);
      // A frame or two may go while the level settles after the drop; every one read is right and in order.
      expect(frames.length).toBeGreaterThanOrEqual(70);
      const first = frames[0]!.frames;
      const offsets = frames.map((f) => f.frames - first);
      expect(offsets.every((o, i) => i === 0 || o > offsets[i - 1]!)).toBe(true);
      // The last of the 75 frames is read as it ends: the position is then 75 frames after the start.
      expect(frames.at(-1)!.frames).toBe(toFrames(timecodeOf('10:00:00:00'), rate) + 75);
      expect(frames.every((f) => f.rate === rate)).toBe(true);
    },
  );

  it('noise loud enough to break it yields no frames rather than wrong ones', () => {
    const frames = decode(encodeLtc({ start: '10:00:00:00', rate: '25', frames: 25, level: 0.1, noise: 0.3 }));
    const valid = (f: LtcFrame) => f.frames >= 900_001 && f.frames <= 900_025;
    expect(frames.every(valid)).toBe(true);
  });

  it('follows a tape 8% fast and one 8% slow, and tells the rate from the frame length', () => {
    for (const speed of [1.08, 0.92]) {
      const frames = decode(encodeLtc({ start: '00:00:10:00', rate: '24', frames: 30, speed }));
      // Until a second has passed the rate is a guess from the frame length (25 at 24 fps 8% fast); the frame at
      // which the count of a whole second corrects it waits for the next one to confirm it.
      expect(frames.length).toBeGreaterThanOrEqual(27);
      expect(frames.slice(-5).every((f) => f.rate === '24')).toBe(true);
      expect(labels(frames.slice(-1), '24')).toEqual(['00:00:11:06']);
    }
  });

  it('reads a tape played backwards as descending frames, flagged reverse', () => {
    // Backwards, the signal starts and ends inside a frame: those two cannot be read whole.
    const frames = decode(encodeLtc({ start: '02:00:00:00', rate: '30', frames: 22, reverse: true }));
    expect(frames.length).toBeGreaterThanOrEqual(19);
    expect(frames.every((f) => f.reverse)).toBe(true);
    const first = frames[0]!.frames;
    expect(frames.map((f) => f.frames)).toEqual(frames.map((_, i) => first - i));
    expect(labels(frames.slice(0, 1), '30')[0]).toMatch(/^02:00:00:(19|20)$/);
  });

  it('silence, then a signal: starts on the first whole frame', () => {
    const tone = encodeLtc({ start: '00:00:00:00', rate: '25', frames: 10 });
    const signal = new Float32Array(24_000 + tone.length);
    signal.set(tone, 24_000);
    const frames = decode(signal);
    expect(labels(frames, '25')[0]).toBe('00:00:00:02');
    expect(frames[0]!.sample).toBeGreaterThan(24_000 + 1900);
  });
  it.each([
    ['a whistle (a 12 kHz tone)', (i: number) => (i % 4 < 2 ? 0.5 : -0.5)],
    ['a NaN from a broken capture', (i: number) => (i === 100 ? NaN : 0)],
  ] as const)('after %s, LTC that follows is still read', (_, before) => {
    const tone = encodeLtc({ start: '00:00:10:00', rate: '25', frames: 25 });
    const signal = new Float32Array(24_000 + tone.length);
    for (let i = 0; i < 24_000; i++) signal[i] = before(i);
    signal.set(tone, 24_000);
    const frames = decode(signal);
    expect(frames.length).toBeGreaterThanOrEqual(20);
    expect(labels(frames, '25')).toContain('00:00:10:20');
  });
});
