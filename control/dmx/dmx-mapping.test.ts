import { describe, expect, it } from 'vitest';
import { levelOf, valueOf } from './dmx-mapping';
import { p } from '../../src/params/spec';
import type { DmxMapping } from '../../src/shared/dmx';

const m = (extra: Partial<DmxMapping> = {}): DmxMapping => ({
  id: 'm',
  param: 'x',
  protocol: 'artnet',
  universe: 0,
  channel: 1,
  fine: null,
  min: null,
  max: null,
  curve: 'linear',
  invert: false,
  ...extra,
});
const levels = (...v: number[]) => Uint8Array.from(v);

describe('levelOf', () => {
  it.each([
    ['8 bits', m({ channel: 2 }), levels(0, 200, 7), 200],
    ['16 bits, coarse then fine', m({ channel: 1, fine: 2 }), levels(0x12, 0x34), 0x1234],
    ['16 bits, fine before coarse', m({ channel: 3, fine: 1 }), levels(0x34, 0, 0x12), 0x1234],
    ['a channel past a short universe reads 0', m({ channel: 100 }), levels(9), 0],
  ])('%s', (_what, mapping, data, level) => {
    expect(levelOf(mapping, data)).toBe(level);
  });
});

describe('valueOf', () => {
  const level = p.number(0.5, { min: 0, max: 1 });
  const hue = p.number(0, { min: -180, max: 180 });
  it.each([
    ['full is the top of the range', m(), level, 255, 1],
    ['zero is the bottom', m(), hue, 0, -180],
    ['half way on 16 bits', m({ fine: 2 }), hue, 32768, (32768 / 65535) * 360 - 180],
    ['a range of its own', m({ min: 0.2, max: 0.4 }), level, 255, 0.4],
    ['inverted', m({ invert: true }), level, 255, 0],
    ['exp is fine at the bottom', m({ curve: 'exp' }), level, 128, (2 ** (6 * (128 / 255)) - 1) / 63],
    ['ints round', m(), p.int(0, { min: 0, max: 10 }), 128, 5],
    ['bools switch at half', m(), p.bool(false), 128, true],
    ['enums take a band each', m(), p.enum('a', ['a', 'b', 'c', 'd']), 130, 2],
    ['the last band reaches the top', m(), p.enum('a', ['a', 'b', 'c', 'd']), 255, 3],
  ])('%s', (_what, mapping, spec, lvl, value) => {
    const v = valueOf(mapping, spec, lvl, undefined);
    if (typeof value === 'number' && !Number.isInteger(value)) expect(v).toBeCloseTo(value, 9);
    else expect(v).toBe(value);
  });

  it('a trigger fires once when its channel crosses half way upwards', () => {
    const trigger = p.trigger();
    expect(valueOf(m(), trigger, 200, 0)).toBe(true);
    expect(valueOf(m(), trigger, 255, 200)).toBeUndefined();
    expect(valueOf(m(), trigger, 0, 255)).toBeUndefined();
    expect(valueOf(m(), trigger, 255, 0)).toBe(true);
  });

  it('text and colour parameters take nothing', () => {
    expect(valueOf(m(), p.text('x'), 255, 0)).toBeUndefined();
  });
});
