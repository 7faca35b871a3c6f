import { describe, expect, it } from 'vitest';
import { routeMessage } from './router';
import { CommandRegistry } from '../../src/kernel/commands';
import { ParamStore } from '../../src/params/store';
import { p } from '../../src/params/spec';
import type { OscArg } from './codec';
import type { OscRouterDeps, RouteOutcome } from './router';

function setup() {
  const params = new ParamStore();
  params.define({
    level: p.int(10, { min: 0, max: 255 }),
    gain: p.number(0.5, { min: 0, max: 2 }),
    mode: p.enum('a', ['a', 'b', 'c'] as const),
    on: p.bool(false),
    tint: p.color('#000000'),
    prompt: p.text('hi', { maxLength: 8 }),
    boom: p.trigger(),
  });
  const loads: string[] = [];
  const fired: string[] = [];
  params.onChange((c) => {
    if (c.kind === 'value' && c.path === 'boom') fired.push(c.source);
  });
  const deps: OscRouterDeps = {
    params,
    activePipeline: () => 'solid',
    hasPipeline: (id) => id === 'solid' || id === 'other',
    loadPipeline: (id) => loads.push(id),
  };
  return { params, deps, loads, fired };
}

const f = (value: number): OscArg => ({ type: 'f', value });
const i = (value: number): OscArg => ({ type: 'i', value });
const d = (value: number): OscArg => ({ type: 'd', value });
const h = (value: number): OscArg => ({ type: 'h', value });
const s = (value: string): OscArg => ({ type: 's', value });
const T: OscArg = { type: 'T', value: true };
const F: OscArg = { type: 'F', value: false };

describe('routeMessage: setting values', () => {
  const cases: [address: string, args: OscArg[], path: string, expected: unknown][] = [
    ['/scope/level', [i(200)], 'level', 200],
    ['/scope/level', [f(99.6)], 'level', 100],
    ['/scope/level', [d(3)], 'level', 3],
    ['/scope/level', [h(42)], 'level', 42],
    ['/scope/level', [i(9000)], 'level', 255],
    ['/scope/level', [f(-5)], 'level', 0],
    ['/scope/level', [s('77')], 'level', 77],
    ['/scope/gain', [f(0.25)], 'gain', 0.25],
    ['/scope/gain', [f(7)], 'gain', 2],
    ['/scope/mode', [s('c')], 'mode', 'c'],
    ['/scope/mode', [i(1)], 'mode', 'b'],
    ['/scope/mode', [f(2)], 'mode', 'c'],
    ['/scope/on', [T], 'on', true],
    ['/scope/on', [i(1)], 'on', true],
    ['/scope/on', [s('on')], 'on', true],
    ['/scope/tint', [f(1), f(0.5), f(0)], 'tint', '#ff8000'],
    ['/scope/tint', [f(0), f(0), f(1), f(1)], 'tint', '#0000ff'],
    ['/scope/tint', [s('#00FF00')], 'tint', '#00ff00'],
    ['/scope/tint', [{ type: 'r', value: { r: 255, g: 0, b: 16, a: 1 } }], 'tint', '#ff0010'],
    ['/scope/prompt', [s('a fox')], 'prompt', 'a fox'],
    ['/scope/solid/level', [i(5)], 'level', 5],
  ];
  it.each(cases)('%s %j sets %s to %j', (address, args, path, expected) => {
    const { params, deps } = setup();
    const outcome = routeMessage(deps, { address, args });
    expect(outcome).toEqual({ kind: 'applied', path, value: expected });
    expect(params.get(path)).toEqual(expected);
  });

  it('sets booleans from F', () => {
    const { params, deps } = setup();
    params.set('on', true, 'http');
    routeMessage(deps, { address: '/scope/on', args: [F] });
    expect(params.get('on')).toBe(false);
  });
});

describe('routeMessage: what changes nothing', () => {
  const cases: [address: string, args: OscArg[], error: string][] = [
    ['/scope/nope', [i(1)], 'unknown-address'],
    ['/scope', [i(1)], 'unknown-address'],
    ['/other/level', [i(1)], 'unknown-address'],
    ['/scope/level/extra/deep', [i(1)], 'unknown-address'],
    ['/scope/*', [i(1)], 'unknown-address'],
    ['/scope/other/level', [i(1)], 'not-active'],
    ['/scope/ghost/level', [i(1)], 'unknown-address'],
    ['/scope/solid/nope', [i(1)], 'unknown-address'],
    ['/scope/level', [f(NaN)], 'rejected'],
    ['/scope/level', [f(Infinity)], 'rejected'],
    ['/scope/level', [s('loud')], 'rejected'],
    // Numbers in OSC strings follow the README's one rule: written plainly, or not a number.
    ['/scope/level', [s('0x10')], 'rejected'],
    ['/scope/level', [s(' 2 ')], 'rejected'],
    ['/scope/gain', [s('')], 'rejected'],
    ['/scope/mode', [s('z')], 'rejected'],
    ['/scope/mode', [i(7)], 'rejected'],
    ['/scope/prompt', [s('far too long')], 'rejected'],
    ['/scope/prompt', [i(3)], 'rejected'],
    ['/scope/level', [i(1), i(2)], 'wrong-type'],
    ['/scope/level', [{ type: 'b', value: new Uint8Array(4) }], 'wrong-type'],
    ['/scope/level', [{ type: 'N', value: null }], 'wrong-type'],
    ['/scope/level', [{ type: '[', value: [i(1)] }], 'wrong-type'],
    ['/scope/tint', [f(1), f(0)], 'wrong-type'],
    ['/scope/tint', [f(1), s('x'), f(0)], 'wrong-type'],
    ['/scope/pipeline/load', [], 'wrong-type'],
    ['/scope/pipeline/load', [i(1)], 'wrong-type'],
    ['/scope/pipeline/load', [s('ghost')], 'unknown-pipeline'],
    ['/scope/pipeline/unload', [], 'unknown-address'],
  ];
  it.each(cases)('%s %j is %s', (address, args, error) => {
    const { params, deps, loads } = setup();
    const before = params.current();
    const outcome = routeMessage(deps, { address, args });
    expect(outcome).toMatchObject({ kind: 'error', error });
    expect(params.current()).toEqual(before);
    expect(loads).toEqual([]);
  });
});

describe('routeMessage: queries, triggers, loading', () => {
  it('answers a message without arguments with the value, typed by the spec', () => {
    const { params, deps } = setup();
    params.set('gain', 1.5, 'http');
    const reply = (address: string) => (routeMessage(deps, { address, args: [] }) as { message: unknown }).message;
    expect(reply('/scope/level')).toEqual({ address: '/scope/level', args: [i(10)] });
    expect(reply('/scope/gain')).toEqual({ address: '/scope/gain', args: [f(1.5)] });
    expect(reply('/scope/on')).toEqual({ address: '/scope/on', args: [F] });
    expect(reply('/scope/mode')).toEqual({ address: '/scope/mode', args: [s('a')] });
    expect(reply('/scope/solid/level')).toEqual({ address: '/scope/solid/level', args: [i(10)] });
    expect(reply('/scope/pipeline')).toEqual({ address: '/scope/pipeline', args: [s('solid')] });
  });

  const fire: [string, OscArg[], boolean][] = [
    ['no argument', [], true],
    ['an int 1', [i(1)], true],
    ['T', [T], true],
    ['an impulse', [{ type: 'I', value: 1 }], true],
    ['a float 0 (release)', [f(0)], false],
    ['F (release)', [F], false],
  ];
  it.each(fire)('a trigger with %s fires: %s', (_what, args, fires) => {
    const { deps, fired } = setup();
    const outcome: RouteOutcome = routeMessage(deps, { address: '/scope/boom', args });
    expect(outcome.kind).toBe('applied');
    expect(fired).toEqual(fires ? ['osc'] : []);
  });

  it('loads a pipeline by id', () => {
    const { deps, loads } = setup();
    expect(routeMessage(deps, { address: '/scope/pipeline/load', args: [s('other')] })).toEqual({
      kind: 'loading',
      pipeline: 'other',
    });
    expect(loads).toEqual(['other']);
  });

  it('marks every change it makes as coming from osc', () => {
    const { params, deps } = setup();
    const sources: string[] = [];
    params.onChange((c) => sources.push(c.source));
    routeMessage(deps, { address: '/scope/level', args: [i(1)] });
    expect(sources).toEqual(['osc']);
  });
});

describe('routeMessage: commands (/scope/preset/recall, /scope/pause, …)', () => {
  function withCommands() {
    const base = setup();
    const registry = new CommandRegistry();
    const calls: unknown[] = [];
    registry.add({
      name: 'preset/recall',
      description: 'recall',
      arg: 'string-or-int',
      run: (v) => (v === 'missing' ? { ok: false, reason: 'no preset "missing"' } : (calls.push(v), { ok: true })),
    });
    registry.add({ name: 'pause', description: 'pause', arg: 'bool', run: (v) => (calls.push(v), { ok: true }) });
    const deps: OscRouterDeps = { ...base.deps, command: (name) => registry.get(name) };
    return { ...base, deps, calls };
  }

  const cases: [address: string, args: OscArg[], expected: unknown][] = [
    ['/scope/preset/recall', [s('intro')], 'intro'],
    ['/scope/preset/recall', [i(3)], 3],
    ['/scope/pause', [T], true],
    ['/scope/pause', [i(0)], false],
    ['/scope/pause', [], true],
  ];
  it.each(cases)('%s %j runs the command with %j', (address, args, expected) => {
    const { deps, calls } = withCommands();
    expect(routeMessage(deps, { address, args }).kind).toBe('command');
    expect(calls).toEqual([expected]);
  });

  const refused: [address: string, args: OscArg[], error: string][] = [
    ['/scope/preset/recall', [], 'wrong-type'],
    ['/scope/preset/recall', [f(1.5)], 'wrong-type'],
    ['/scope/preset/recall', [s('missing')], 'rejected'],
    ['/scope/pause', [s('maybe')], 'wrong-type'],
    ['/scope/preset/nothing', [s('x')], 'unknown-address'],
  ];
  it.each(refused)('%s %j changes nothing (%s)', (address, args, error) => {
    const { deps, calls } = withCommands();
    expect(routeMessage(deps, { address, args })).toMatchObject({ kind: 'error', error });
    expect(calls).toEqual([]);
  });
});

describe('routeMessage: a quantise argument', () => {
  it('a last string that reads as a quantise times the change; a text value is still a value', () => {
    const { params, deps } = setup();
    const asked: (string | undefined)[] = [];
    params.setGate((_values, _source, options) => {
      asked.push(options.quantize);
      return options.quantize === undefined ? undefined : 8;
    });
    expect(routeMessage(deps, { address: '/scope/gain', args: [f(1.5), s('bar')] })).toEqual({
      kind: 'applied',
      path: 'gain',
      value: 1.5,
    });
    expect(params.get('gain')).toBe(0.5);
    routeMessage(deps, { address: '/scope/tint', args: [f(1), f(0), f(0), s('2bars')] });
    expect(params.get('tint')).toBe('#000000');
    // One string alone is the value, even when it reads like a quantise.
    routeMessage(deps, { address: '/scope/prompt', args: [s('bar')] });
    expect(params.get('prompt')).toBe('bar');
    expect(asked).toEqual(['bar', '2bars', undefined]);
  });
});
