import { describe, expect, it } from 'vitest';
import { MtcAssembler, fullFrame, quarterFrame, readFullFrame } from './mtc';
import { formatTimecode, fromFrames, timecodeOf, toFrames } from '../../src/perform';
import { timecodeRates } from '../../src/shared/timecode';
import type { TimecodeRate } from '../../src/shared/timecode';

/** The quarter frames a sender plays from `start` for `count` frames, forward (two frames per sequence). */
function run(start: number, rate: TimecodeRate, count: number): number[][] {
  const out: number[][] = [];
  for (let q = 0; q < count * 4; q++) out.push([...quarterFrame(start + 2 * Math.floor(q / 8), rate, q % 8)]);
  return out;
}

const label = (frames: number, rate: TimecodeRate) => formatTimecode(fromFrames(frames, rate), rate === '29.97df');

describe('MIDI Time Code', () => {
  it.each(timecodeRates)('quarter frames at %s assemble to the position two frames on', (rate) => {
    const start = toFrames(timecodeOf('01:02:03:04'), rate);
    const a = new MtcAssembler();
    const heard = run(start, rate, 6).flatMap((m) => a.feed(m) ?? []);
    expect(heard.map((h) => label(h.frames, rate))).toEqual([2, 4, 6].map((n) => label(start + n, rate)));
    expect(heard.every((h) => h.rate === rate && !h.reverse && !h.full)).toBe(true);
  });

  it('a 29.97 drop-frame run crosses a minute: ;29 is followed by ;02', () => {
    const rate = '29.97df';
    const start = toFrames(timecodeOf('00:00:59:26'), rate);
    const a = new MtcAssembler();
    const heard = run(start, rate, 6).flatMap((m) => a.feed(m) ?? []);
    expect(heard.map((h) => label(h.frames, rate))).toEqual(['00:00:59;28', '00:01:00;02', '00:01:00;04']);
  });

  it('joins a stream halfway through a sequence and waits for a whole one', () => {
    const a = new MtcAssembler();
    const msgs = run(toFrames(timecodeOf('10:00:00:00'), '25'), '25', 4).slice(3);
    const heard = msgs.map((m) => a.feed(m)).filter(Boolean);
    expect(heard).toHaveLength(1);
    expect(label(heard[0]!.frames, '25')).toBe('10:00:00:04');
  });

  it('pieces in descending order are a tape running backwards', () => {
    const a = new MtcAssembler();
    const at = toFrames(timecodeOf('00:30:00:10'), '30');
    const pieces = [7, 6, 5, 4, 3, 2, 1, 0].map((p) => quarterFrame(at, '30', p));
    const heard = pieces.map((m) => a.feed(m)).filter(Boolean);
    expect(heard).toMatchObject([{ reverse: true }]);
    expect(label(heard[0]!.frames, '30')).toBe('00:30:00:08');
  });

  it('a full frame is a locate, with the rate in the hour bits', () => {
    const bytes = [0xf0, 0x7f, 0x7f, 0x01, 0x01, (2 << 5) | 1, 2, 3, 4, 0xf7];
    expect(readFullFrame(bytes)).toEqual({
      frames: toFrames(timecodeOf('01:02:03:04'), '29.97df'),
      rate: '29.97df',
      reverse: false,
      full: true,
    });
    for (const rate of timecodeRates) {
      const n = toFrames(timecodeOf('23:59:58:10'), rate);
      expect(readFullFrame(fullFrame(n, rate))).toMatchObject({ frames: n, rate });
    }
  });

  it.each([
    ['too short', [0xf0, 0x7f, 0x7f, 0x01, 0x01, 0, 0, 0, 0xf7]],
    ['not MTC (user bits)', [0xf0, 0x7f, 0x7f, 0x01, 0x02, 0, 0, 0, 0, 0xf7]],
    ['hour 25', [0xf0, 0x7f, 0x7f, 0x01, 0x01, 25, 0, 0, 0, 0xf7]],
    ['frame 25 at 25 fps', [0xf0, 0x7f, 0x7f, 0x01, 0x01, 1 << 5, 0, 0, 25, 0xf7]],
  ])('ignores a damaged full frame (%s)', (_why, bytes) => {
    expect(new MtcAssembler().feed(bytes)).toBeUndefined();
  });
});
