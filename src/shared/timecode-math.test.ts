import { describe, expect, it } from 'vitest';
import { dayFrames, formatTimecode, fromFrames, labelKey, parseTimecode, toFrames } from './timecode-math';
import { timecodeRates } from './timecode';

describe('timecode labels and frame counts', () => {
  it.each([
    ['01:02:03:04', '25', 93079],
    ['00:01:00:00', '30', 1800],
    ['00:01:00:02', '29.97df', 1800],
    ['00:10:00:00', '29.97df', 17982],
    ['01:00:00:00', '29.97df', 107892],
    ['23:59:59:23', '24', 24 * 86400 - 1],
  ] as const)('%s at %s is frame %i and back', (text, rate, n) => {
    const tc = parseTimecode(text);
    if (typeof tc === 'string') throw new Error(tc);
    expect(toFrames(tc, rate)).toBe(n);
    expect(fromFrames(n, rate)).toEqual(tc);
  });

  it('drop-frame skips ;00 and ;01 at each minute but the tenth', () => {
    expect(formatTimecode(fromFrames(1799, '29.97df'), true)).toBe('00:00:59;29');
    expect(formatTimecode(fromFrames(1800, '29.97df'), true)).toBe('00:01:00;02');
    expect(formatTimecode(fromFrames(17981, '29.97df'), true)).toBe('00:09:59;29');
    expect(formatTimecode(fromFrames(17982, '29.97df'), true)).toBe('00:10:00;00');
  });

  it('every frame of a day round-trips at every rate (sampled), and a day wraps to midnight', () => {
    for (const rate of timecodeRates) {
      for (let n = 0; n < dayFrames(rate); n += 997) expect(toFrames(fromFrames(n, rate), rate)).toBe(n);
      expect(fromFrames(dayFrames(rate), rate)).toEqual({ hours: 0, minutes: 0, seconds: 0, frames: 0 });
      expect(fromFrames(-1, rate).hours).toBe(23);
    }
  });

  it.each([
    ['1:02:03:04', 'is not a timecode'],
    ['24:00:00:00', 'hours go from 00 to 23'],
    ['00:60:00:00', 'minutes go from 00 to 59'],
    ['00:00:60:00', 'seconds go from 00 to 59'],
    ['00:00:00:30', 'frames go from 00 to 29'],
    ['soon', 'expected hh:mm:ss:ff'],
  ])('refuses %s with a sentence', (text, sentence) => {
    expect(parseTimecode(text)).toContain(sentence);
  });

  it('orders labels the same at every rate: ;27 sits between :26 and the next second', () => {
    const key = (t: string) => labelKey(parseTimecode(t) as never);
    expect(key('01:00:00:26')).toBeLessThan(key('01:00:00:27'));
    expect(key('01:00:00:27')).toBeLessThan(key('01:00:01:00'));
    expect(parseTimecode('01:00:00;27')).toEqual(parseTimecode('01:00:00:27'));
  });
});
