import { describe, expect, it } from 'vitest';
import { controlsOf, fromPosition, groupControls, toPosition } from './schema';

const schema = {
  type: 'object',
  properties: {
    width: {
      type: 'integer',
      minimum: 64,
      maximum: 2048,
      default: 512,
      'x-scope': { kind: 'int', mode: 'load', group: 'output', step: 8, unit: 'px' },
    },
    zoom: {
      title: 'Zoom',
      type: 'number',
      minimum: 0.1,
      maximum: 10,
      default: 1,
      'x-scope': { kind: 'number', mode: 'runtime', group: 'look', curve: 'log' },
    },
    palette: {
      type: 'string',
      enum: ['oil', 'fire'],
      default: 'oil',
      'x-scope': { kind: 'enum', mode: 'runtime', group: 'look' },
    },
    flash: { type: 'boolean', default: false, 'x-scope': { kind: 'trigger', mode: 'runtime' } },
    tint: { type: 'string', default: '#ff0000', 'x-scope': { kind: 'color', mode: 'runtime' } },
    prompt: { type: 'string', maxLength: 2000, default: 'a', 'x-scope': { kind: 'text', mode: 'runtime' } },
    plain: { type: 'boolean', default: true },
    odd: { type: 'array' },
  },
};

describe('controlsOf', () => {
  it('reads every kind from the x-scope hints, falls back to plain JSON Schema, skips what it cannot draw', () => {
    const controls = controlsOf(schema);
    expect(controls.map((c) => [c.name, c.kind])).toEqual([
      ['width', 'int'],
      ['zoom', 'number'],
      ['palette', 'enum'],
      ['flash', 'trigger'],
      ['tint', 'color'],
      ['prompt', 'text'],
      ['plain', 'bool'],
    ]);
    expect(controls[0]).toMatchObject({ reloads: true, step: 8, unit: 'px', label: 'width', group: 'output' });
    expect(controls[1]).toMatchObject({ label: 'Zoom', curve: 'log', min: 0.1, max: 10, default: 1 });
  });

  it('puts groups of reloading parameters last', () => {
    expect(groupControls(controlsOf(schema)).map(([g]) => g)).toEqual(['look', 'parameters', 'output']);
  });
});

describe('slider positions', () => {
  it.each([
    [0, 10, 'linear', 2.5, 0.25],
    [0.1, 10, 'log', 1, 0.5],
    [0, 4, 'exp', 1, 0.5],
  ] as const)('%s..%s %s: %s sits at %s and back', (min, max, curve, value, pos) => {
    expect(toPosition(value, min, max, curve)).toBeCloseTo(pos, 6);
    expect(fromPosition(pos, min, max, curve)).toBeCloseTo(value, 6);
  });

  it('rounds to the step and clamps', () => {
    expect(fromPosition(0.51, 64, 2048, 'linear', 8)).toBe(1072); // 64 + 126 steps of 8
    expect(fromPosition(1.5, 0, 1, 'linear')).toBe(1);
    expect(fromPosition(0.3, 0, 1, 'linear')).toBe(0.3);
  });
});
