import { describe, expect, it } from 'vitest';
import { timecodeNow } from './perform-types';
import type { TimecodeInfo } from './perform-types';
import { timecodeInfo } from './test-timecode-info';

const at = (position: string, rate: TimecodeInfo['rate'], over: Partial<TimecodeInfo> = {}): TimecodeInfo =>
  timecodeInfo({ position, rate, state: 'running', receivedAt: 1000, ...over });

describe('the position the panel shows between timecode events', () => {
  it.each([
    ['01:00:00:00', '25', 1000, {}, '01:00:01:00'],
    ['01:00:00:00', '24', 500, {}, '01:00:00:12'],
    ['01:00:00:10', '30', 100, {}, '01:00:00:13'],
    // 29.97 drop-frame: the labels ;00 and ;01 of minute 1 are skipped.
    ['00:00:59;29', '29.97df', 34, {}, '00:01:00;02'],
    ['01:00:00:00', '25', 1000, { reverse: true }, '00:59:59:00'],
    ['23:59:59:24', '25', 40, {}, '00:00:00:00'],
    ['01:00:00:00', '25', 5000, { state: 'stopped' as const }, '01:00:00:00'],
  ])('%s at %s fps, %d ms on (%j): %s', (position, rate, ms, over, shown) => {
    expect(timecodeNow(at(position, rate as TimecodeInfo['rate'], over), 1000 + ms)).toBe(shown);
  });

  it('is null before anything was heard', () => {
    expect(timecodeNow(at('00:00:00:00', null, { position: null }), 5000)).toBeNull();
  });
});
