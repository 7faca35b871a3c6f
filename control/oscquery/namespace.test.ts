import { describe, expect, it } from 'vitest';
import { buildRoot, findNode, nodeArg, paramNode } from './namespace';
import { decodePacket, encodeMessage } from '../osc/codec';
import { p } from '../../src/params/spec';
import { addressSource, listAddresses } from '../osc/addresses';
import { CommandRegistry } from '../../src/kernel/commands';
import { ParamStore } from '../../src/params/store';
import type { Command } from '../../src/kernel/commands';
import type { OscQueryNode } from './namespace';
import type { ParamSpec, ParamValue } from '../../src/params/spec';

describe('paramNode', () => {
  const cases: [string, ParamSpec, ParamValue, Partial<OscQueryNode>][] = [
    ['a bool', p.bool(true), true, { TYPE: 'T', VALUE: [true], ACCESS: 3 }],
    ['an enum', p.enum('a', ['a', 'b'] as const), 'b', { TYPE: 's', VALUE: ['b'], RANGE: [{ VALS: ['a', 'b'] }] }],
    ['a text', p.text('hi', { description: 'Prompt' }), 'hi', { TYPE: 's', VALUE: ['hi'], DESCRIPTION: 'Prompt' }],
    ['a trigger', p.trigger(), false, { TYPE: 'I', ACCESS: 2 }],
    ['a colour', p.color('#ff8000'), '#ff8000', { TYPE: 'r', VALUE: ['#FF8000FF'] }],
    [
      'a number',
      p.number(1, { min: 0, max: 4, unit: 'time.s' }),
      2,
      { TYPE: 'f', VALUE: [2], RANGE: [{ MIN: 0, MAX: 4 }], CLIPMODE: ['both'], UNIT: ['time.s'] },
    ],
  ];
  it.each(cases)('describes %s', (_what, spec, value, expected) => {
    const node = paramNode('x', spec, value);
    expect(node).toMatchObject({ FULL_PATH: '/scope/x', ...expected });
    if (spec.kind === 'trigger') expect(node.VALUE).toBeUndefined();
  });
});

describe('nodeArg', () => {
  const cases: [string, ParamSpec, ParamValue, string][] = [
    ['a false bool', p.bool(false), false, 'F'],
    ['a true bool', p.bool(false), true, 'T'],
    ['an int', p.int(1, { min: 0, max: 9 }), 7, 'i'],
    ['a number', p.number(1, { min: 0, max: 9 }), 0.5, 'f'],
    ['an enum', p.enum('a', ['a'] as const), 'a', 's'],
    ['a colour', p.color('#000000'), '#ff8000', 'r'],
    ['a trigger', p.trigger(), true, 'I'],
  ];
  it.each(cases)('encodes %s with the type its node promises', (_what, spec, value, type) => {
    const arg = nodeArg(spec, value);
    expect(arg.type).toBe(type);
    const decoded = decodePacket(encodeMessage({ address: '/scope/x', args: [arg] }));
    expect(decoded.ok).toBe(true);
  });
  it('writes a colour as r/g/b bytes', () => {
    expect(nodeArg(p.color('#000000'), '#ff8001').value).toEqual({ r: 255, g: 128, b: 1, a: 255 });
  });
});

/** The tree of a server with these parameters and commands, built from the one address table. */
function tree(specs: Record<string, ParamSpec>, commands: Command[] = []) {
  const registry = new CommandRegistry();
  for (const c of commands) registry.add(c);
  const params = new ParamStore();
  params.define(specs);
  const src = addressSource({
    params,
    host: { activeId: 'solid' },
    registry: { get: (id: string) => (id === 'solid' ? {} : undefined), ids: () => ['solid'] },
    commands: registry,
  });
  return buildRoot(listAddresses(src), { value: () => 1, activePipeline: 'solid', pipelineIds: ['solid'] });
}
const command = (name: string, arg: Command['arg'], description = name): Command => ({
  name,
  description,
  arg,
  run: () => ({ ok: true }),
});

describe('findNode', () => {
  const root = tree({ level: p.int(1, { min: 0, max: 9 }) });
  it('walks paths, trailing slash allowed, and misses unknown ones', () => {
    expect(findNode(root, '/')).toBe(root);
    expect(findNode(root, '/scope/')?.FULL_PATH).toBe('/scope');
    expect(findNode(root, '/scope/pipeline/load')?.FULL_PATH).toBe('/scope/pipeline/load');
    expect(findNode(root, '/scope/level/deeper')).toBeUndefined();
    expect(findNode(root, '/scope/__proto__')).toBeUndefined();
  });
});

describe('commands in the namespace', () => {
  const root = tree({ level: p.int(1, { min: 0, max: 9 }), preset: p.int(0, { min: 0, max: 3 }) }, [
    command('pause', 'bool'),
    command('output/ndi/enabled', 'bool', 'ndi on/off'),
    command('midi/learn', 'string'),
    command('level', 'none', 'clashes with a parameter'),
    command('preset/recall', 'string-or-int', 'under a parameter'),
  ]);

  it('are write-only nodes at their addresses, with container nodes between', () => {
    expect(findNode(root, '/scope/pause')).toMatchObject({ FULL_PATH: '/scope/pause', TYPE: 'T', ACCESS: 2 });
    expect(findNode(root, '/scope/output')).toMatchObject({ FULL_PATH: '/scope/output', ACCESS: 0 });
    expect(findNode(root, '/scope/output/ndi/enabled')).toMatchObject({ TYPE: 'T', DESCRIPTION: 'ndi on/off' });
    expect(findNode(root, '/scope/midi/learn')).toMatchObject({ TYPE: 's', ACCESS: 2 });
  });

  it('never replace a parameter of the same name; a longer command nests under it, as OSC routes it', () => {
    expect(findNode(root, '/scope/level')).toMatchObject({ TYPE: 'i', ACCESS: 3 });
    expect(findNode(root, '/scope/preset')).toMatchObject({ TYPE: 'i', ACCESS: 3 });
    expect(findNode(root, '/scope/preset/recall')).toMatchObject({ TYPE: 's', ACCESS: 2 });
  });
});
