import { describe, expect, it } from 'vitest';
import { flagsHelp, optionsFromFlags, parseArgsOptions } from './flags';

describe('the output delay flag', () => {
  it.each([
    ['120', { ms: 120 }],
    ['0', { ms: 0 }],
    ['1b', { beats: 1 }],
    ['0.5b', { beats: 0.5 }],
  ])('--output-delay %s sets %j', (text, outputDelay) => {
    expect(optionsFromFlags({ 'output-delay': text }, {})).toEqual({ ok: true, options: { outputDelay } });
  });

  it.each(['soon', '-20', 'b', '12ms', '0x10'])('refuses --output-delay %s with a sentence', (text) => {
    const result = optionsFromFlags({ 'output-delay': text }, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/--output-delay: expected milliseconds \(120\) or beats \(1b\)/);
  });

  it('is in the parser table and the help', () => {
    expect(parseArgsOptions()).toMatchObject({ 'output-delay': { type: 'string' } });
    expect(flagsHelp()).toContain('--output-delay <ms|nb>');
  });
});
