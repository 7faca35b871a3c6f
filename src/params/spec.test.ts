import { describe, expect, it } from 'vitest';
import { p, sanitize } from './spec';
import { paramsJsonSchema } from './json-schema';

const zoom = p.number(1, { min: 0.1, max: 8 });
const layers = p.int(4, { min: 1, max: 12 });
const mode = p.enum('rgb', ['rgb', 'neon', 'fire'] as const);

describe('sanitize', () => {
  it.each([
    ['number in range', zoom, 2.5, 2.5],
    ['number above max is clamped', zoom, 100, 8],
    ['number below min is clamped', zoom, -3, 0.1],
    ['numeric string is coerced', zoom, '3.5', 3.5],
    ['signed string with an exponent', zoom, '-2e-1', 0.1],
    ['string with a leading point', zoom, '.5', 0.5],
    ['int rounds', layers, 3.6, 4],
    ['int clamps', layers, 99, 12],
    ['bool from number', p.bool(false), 1, true],
    ['bool from OSC-ish string', p.bool(true), 'off', false],
    ['enum by name', mode, 'fire', 'fire'],
    ['enum by index', mode, 1, 'neon'],
    ['colour normalised', p.color('#000000'), 'FF8800', '#ff8800'],
    ['colour from 0..1 triple', p.color('#000000'), [1, 0.5, 0], '#ff8000'],
    ['trigger fires on any value', p.trigger(), 1, true],
    ['trigger release', p.trigger(), 0, false],
  ] as const)('%s', (_name, spec, input, expected) => {
    expect(sanitize(spec, input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['NaN', zoom, Number.NaN],
    ['Infinity', zoom, Number.POSITIVE_INFINITY],
    ['text for a number', zoom, 'fast'],
    ['object for a number', zoom, { v: 1 }],
    // The README's rule: a number in text is written plainly, or it is not a number.
    ['hex string', zoom, '0x10'],
    ['padded string', zoom, ' 2 '],
    ['empty string', zoom, ''],
    ['underscored string', zoom, '1_000'],
    ['"Infinity"', zoom, 'Infinity'],
    ['a boolean for a number', zoom, true],
    ['a boolean for an int', layers, false],
    ['null', zoom, null],
    ['unknown enum option', mode, 'plaid'],
    ['enum index out of range', mode, 7],
    ['bool from gibberish', p.bool(false), 'maybe'],
    ['too long text', p.text('', { maxLength: 4 }), 'hello'],
    ['number for text', p.text(''), 5],
    ['bad colour', p.color('#000000'), '#12345'],
  ] as const)('rejects %s with a reason', (_name, spec, input) => {
    const r = sanitize(spec, input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
  });
});

describe('JSON Schema export', () => {
  it('describes ranges, enums, defaults and load-time mode', () => {
    const schema = paramsJsonSchema({ zoom, layers: { ...layers, mode: 'load' }, mode }) as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.properties.zoom).toMatchObject({ type: 'number', minimum: 0.1, maximum: 8, default: 1 });
    expect(schema.properties.layers).toMatchObject({ type: 'integer', 'x-scope': { mode: 'load' } });
    expect(schema.properties.mode).toMatchObject({ type: 'string', enum: ['rgb', 'neon', 'fire'] });
  });
});
