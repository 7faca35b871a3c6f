import { describe, expect, it } from 'vitest';
import { coerceCommandArg } from './commands';

describe('coerceCommandArg: one reading of command arguments for every surface', () => {
  it.each([
    ['bool', undefined, true],
    ['bool', true, true],
    ['bool', 1, true],
    ['bool', 'on', true],
    ['bool', 'true', true],
    ['bool', '1', true],
    ['bool', false, false],
    ['bool', 0, false],
    ['bool', 'off', false],
    ['bool', 'false', false],
    ['bool', '0', false],
    ['string', 'intro', 'intro'],
    ['string-or-int', 'intro', 'intro'],
    ['string-or-int', 3, 3],
    ['none', 'ignored', undefined],
  ] as const)('%s takes %j as %j', (kind, value, expected) => {
    expect(coerceCommandArg(kind, value)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['bool', 'maybe'],
    ['bool', 2],
    ['bool', null],
    ['string', ''],
    ['string', 3],
    ['string-or-int', 1.5],
    ['string-or-int', true],
  ] as const)('%s refuses %j, saying what it takes', (kind, value) => {
    const result = coerceCommandArg(kind, value);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.expected.length).toBeGreaterThan(0);
  });
});
