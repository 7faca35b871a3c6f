import { describe, expect, it } from 'vitest';
import { numberTextSchema, strictNumber } from './numbers';

describe('strictNumber', () => {
  it.each([
    ['30', 30],
    ['-2.5', -2.5],
    ['+4', 4],
    ['.5', 0.5],
    ['1e3', 1000],
    ['7.', 7],
  ])('reads %j as %d', (text, n) => {
    expect(strictNumber(text)).toBe(n);
  });

  it.each(['0x10', ' 2 ', '', '1_000', 'Infinity', 'NaN', '1e', '0b1', '2px', 'true'])('refuses %j', (text) => {
    expect(strictNumber(text)).toBeUndefined();
  });
});

describe('numberTextSchema', () => {
  it('turns plain text into its number and refuses the rest with a sentence', () => {
    expect(numberTextSchema.parse('42')).toBe(42);
    const r = numberTextSchema.safeParse('0x10');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('expected a number written plainly, such as 30 or 0.5');
  });
});
