import { describe, expect, it } from 'vitest';
import { floatsToHalf, fromHalf, halfToFloats, toHalf } from './half';

describe('float16 conversion', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [65520, Infinity],
    [0.1, 0x2e66],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    [2 ** -26, 0x0000],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
  ])('%f -> %s', (value, bits) => {
    expect(toHalf(value)).toBe(bits === Infinity ? 0x7c00 : bits);
  });

  it('round-trips every finite half bit pattern, and keeps NaN a NaN', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = fromHalf(h);
      if (Number.isNaN(v)) expect(toHalf(v) & 0x7c00).toBe(0x7c00);
      else expect(toHalf(v)).toBe(h);
    }
  });

  it('converts arrays both ways within half precision', () => {
    const values = Float32Array.from([0.1, -3.14159, 1000.5, 1e-5]);
    const back = halfToFloats(floatsToHalf(values));
    values.forEach((v, i) => expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -24));
  });
});
