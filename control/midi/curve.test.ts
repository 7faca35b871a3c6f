import { describe, expect, it } from 'vitest';
import { shape, toPosition, toValue, unshape } from './curve';
import { mapping, testSpecs } from './test-support';
import type { MidiCurve } from '../../src/shared/midi';

const specs = testSpecs();
const level = specs.level!;
const hue = specs.hue!;
const base = mapping('level', { kind: 'cc', number: 1 });

describe('curves', () => {
  const cases: [MidiCurve, number, number][] = [
    ['linear', 0, 0],
    ['linear', 0.5, 0.5],
    ['linear', 1, 1],
    ['exp', 0, 0],
    ['exp', 1, 1],
    ['exp', 0.5, 7 / 63],
    ['log', 0, 0],
    ['log', 1, 1],
    ['log', 7 / 63, 0.5],
  ];
  it.each(cases)('%s(%d) = %d', (curve, x, y) => {
    expect(shape(curve, x)).toBeCloseTo(y, 12);
  });

  it.each(['linear', 'log', 'exp'] as const)('%s: unshape is the inverse of shape', (curve) => {
    for (let x = 0; x <= 1; x += 0.05) expect(unshape(curve, shape(curve, x))).toBeCloseTo(x, 9);
  });

  it('exp gives fine control at the bottom, log at the top', () => {
    expect(shape('exp', 0.25)).toBeLessThan(0.25);
    expect(shape('log', 0.25)).toBeGreaterThan(0.25);
  });
});

describe('range and invert', () => {
  const cases: [string, Partial<typeof base>, number, number, number][] = [
    ['default range is the param’s', {}, 0.25, 0.25, 0],
    ['own range', { min: 0.2, max: 0.4 }, 0.5, 0.3, 0],
    ['invert', { invert: true }, 0.25, 0.75, 0],
    ['reversed range', { min: 1, max: 0 }, 0.25, 0.75, 0],
    ['degrees', {}, 0.5, 0, 1],
    ['degrees, part of the range', { min: 0, max: 90 }, 1, 90, 1],
    ['exp curve on a range', { min: 0, max: 63, curve: 'exp' }, 0.5, 7, 0],
  ];
  it.each(cases)('%s', (_name, extra, position, value, which) => {
    const m = { ...base, ...extra };
    const spec = which === 0 ? level : hue;
    expect(toValue(m, spec, position)).toBeCloseTo(value, 9);
    expect(toPosition(m, spec, value)).toBeCloseTo(position, 9);
  });

  it('positions outside 0..1 are clamped', () => {
    expect(toValue(base, level, 2)).toBe(1);
    expect(toPosition(base, level, -5)).toBe(0);
  });
});
