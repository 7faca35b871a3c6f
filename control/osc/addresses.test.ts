import { describe, expect, it } from 'vitest';
import { addressSource, listAddresses, resolveAddress } from './addresses';
import { routeMessage } from './router';
import { CommandRegistry } from '../../src/kernel/commands';
import { ParamStore } from '../../src/params/store';
import { p } from '../../src/params/spec';
import type { OscRouterDeps } from './router';

function server() {
  const params = new ParamStore();
  params.define({ level: p.int(1, { min: 0, max: 9 }), pause: p.bool(false), preset: p.int(0, { min: 0, max: 3 }) });
  const commands = new CommandRegistry();
  const ran: string[] = [];
  for (const name of ['pause', 'preset/recall', 'output/ndi/enabled', 'tempo/tap']) {
    commands.add({ name, description: name, arg: 'none', run: () => (ran.push(name), { ok: true }) });
  }
  const src = addressSource({
    params,
    host: { activeId: 'solid' },
    registry: {
      get: (id: string) => (['solid', 'other'].includes(id) ? {} : undefined),
      ids: () => ['solid', 'other'],
    },
    commands,
  });
  const deps: OscRouterDeps = {
    params: { spec: (n) => params.spec(n), get: (n) => params.get(n), set: (n, v) => params.set(n, v, 'osc') },
    activePipeline: () => 'solid',
    hasPipeline: (id) => id === 'solid' || id === 'other',
    loadPipeline: () => {},
    command: (name) => commands.get(name),
  };
  return { params, src, deps, ran };
}

describe('the one OSC address table', () => {
  it('lists exactly what resolves: every listed address resolves to what the list says', () => {
    const { src } = server();
    const listed = listAddresses(src);
    expect(listed.length).toBeGreaterThan(0);
    for (const a of listed) expect(resolveAddress(src, a.address)?.kind).toBe(a.target.kind);
    const addresses = listed.map((a) => a.address);
    expect(addresses).toEqual(expect.arrayContaining(['/scope/level', '/scope/preset/recall', '/scope/solid/level']));
    // Shadowed by the parameter of the same name, so not listed as a command.
    expect(listed.filter((a) => a.address === '/scope/pause').map((a) => a.target.kind)).toEqual(['param']);
  });

  it('the router does what the list says, for every listed address', () => {
    const { src, deps, ran } = server();
    for (const a of listAddresses(src)) {
      const outcome = routeMessage(deps, { address: a.address, args: [] });
      const expected = { param: 'reply', command: 'command', pipeline: 'reply', 'pipeline-load': 'error' } as const;
      const kind = a.target.kind as keyof typeof expected;
      // A parameter without arguments is a query; a trigger would fire; pipeline/load needs an id.
      expect(outcome.kind, a.address).toBe(expected[kind]);
    }
    expect(ran.sort()).toEqual(['output/ndi/enabled', 'preset/recall', 'tempo/tap']);
  });

  it("gives a pipeline's parameter precedence over a command of the same name", () => {
    const { deps, params, ran } = server();
    expect(routeMessage(deps, { address: '/scope/pause', args: [{ type: 'T', value: true }] }).kind).toBe('applied');
    expect(params.get('pause')).toBe(true);
    expect(ran).toEqual([]);
  });

  it.each([
    ['/scope', undefined],
    ['/other/level', undefined],
    ['/scope/nothing', undefined],
    ['/scope/other/level', 'inactive-pipeline'],
    ['/scope/pipeline', 'pipeline'],
    ['/scope/pipeline/load', 'pipeline-load'],
    ['/scope/pipeline/other', undefined],
    ['/scope/a/b/c', undefined],
  ])('%s resolves to %s', (address, kind) => {
    expect(resolveAddress(server().src, address)?.kind).toBe(kind);
  });
});
