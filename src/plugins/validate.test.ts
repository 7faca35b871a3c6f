import { describe, expect, it } from 'vitest';
import { p } from '../params/spec';
import { checkDefinition } from './validate';

const definition = (params: Record<string, unknown>) => ({
  id: 'checked',
  name: 'Checked',
  description: '',
  params,
  create: () => ({}),
});
const runtime = { mode: 'runtime' };

describe('checking a plugin’s pipeline definition', () => {
  it('accepts what the builders make', () => {
    const params = {
      zoom: p.number(1, { min: 0.1, max: 10, curve: 'log' }),
      layers: p.int(4, { min: 1, max: 8 }),
      on: p.bool(true),
      look: p.enum('a', ['a', 'b']),
      prompt: p.text('hello', { maxLength: 10 }),
      go: p.trigger(),
      tint: p.color('#ff8800'),
    };
    expect(checkDefinition(definition(params))).toMatchObject({ ok: true, def: { id: 'checked' } });
  });

  it.each([
    [
      'an unknown kind',
      { kind: 'slider', default: 1, ...runtime },
      /^params\.x\.kind: Invalid discriminator value\. Expected 'number' \| 'int'/,
    ],
    ['no mode', { kind: 'bool', default: true }, /^params\.x\.mode: /],
    ['a log curve from 0', { ...p.number(1, { min: 0, max: 2 }), curve: 'log' }, /a log curve needs min above 0/],
    ['a default out of range', p.number(5, { min: 0, max: 1 }), /default 5 is not a valid value \(it would be 1\)/],
    ['a fractional int default', p.int(1.5, { min: 0, max: 4 }), /default 1\.5 is not a valid value \(it would be 2\)/],
    [
      'an infinite bound',
      p.number(1, { min: 0, max: Infinity }),
      /^params\.x\.max: Invalid input: expected number, received Infinity/,
    ],
    ['text over its limit', p.text('too long', { maxLength: 3 }), /text is 8 characters, the limit is 3/],
    ['an upper-case colour', p.color('#FF8800'), /default "#FF8800" is not a valid value \(it would be "#ff8800"\)/],
    ['a colour that is not one', p.color('orange'), /expected a colour like #ff8800/],
    ['a trigger that starts fired', { kind: 'trigger', default: true, ...runtime }, /^params\.x\.default: /],
    ['an enum without options', { kind: 'enum', default: 'a', options: [], ...runtime }, /^params\.x\.options: /],
  ])('refuses %s, saying where', (_name, spec, reason) => {
    const checked = checkDefinition(definition({ x: spec }));
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.reason).toMatch(reason);
  });

  it('refuses parameter names that are no OSC address segment', () => {
    const checked = checkDefinition(definition({ 'a b': p.bool(true) }));
    expect(checked).toEqual({
      ok: false,
      reason: 'params.a b: a parameter name is a letter, then letters, digits, - or _',
    });
  });
});
