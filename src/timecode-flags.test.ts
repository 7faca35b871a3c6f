import { describe, expect, it } from 'vitest';
import { flagsHelp, optionsFromFlags, parseArgsOptions } from './flags';

describe('the LTC channel flag', () => {
  it.each([
    ['1', 1],
    ['2', 2],
    ['64', 64],
  ])('--ltc-channel %s sets channel %d', (text, ltcChannel) => {
    expect(optionsFromFlags({ 'ltc-channel': text }, {})).toEqual({ ok: true, options: { ltcChannel } });
  });

  it.each(['0', '65', '1.5', 'left', '-1'])('refuses --ltc-channel %s with a sentence', (text) => {
    const result = optionsFromFlags({ 'ltc-channel': text }, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^--ltc-channel: /);
  });

  it('is in the parser table and the help', () => {
    expect(parseArgsOptions()).toMatchObject({ 'ltc-channel': { type: 'string' } });
    expect(flagsHelp()).toContain('--ltc-channel <n>');
  });
});
