import { describe, expect, it } from 'vitest';
import { RateLimitedLog } from './rate-limited-log';

describe('RateLimitedLog', () => {
  it('says one line per kind per interval and counts what it held back', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new RateLimitedLog<'a' | 'b'>(
      (m) => lines.push(m),
      5000,
      () => now,
    );
    log.report('a', 'first a');
    log.report('a', 'second a');
    log.report('b', 'first b');
    now = 4999;
    log.report('a', 'third a');
    now = 5000;
    log.report('a', 'fourth a');
    expect(lines).toEqual(['first a', 'first b', 'fourth a (2 more a since the last line)']);
  });
});
