import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineRegistry } from '../engine/registry';
import { solidPipeline } from '../engine/test-support';
import { loadPlugins } from './loader';
import type { PluginReport } from './loader';
import { pluginRoutes } from './routes';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'scope-plugins-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** A pipeline module's source: a JS definition whose params are `params` (a JS object literal). */
const pipeline = (id: string, params = '{}') => `{
  id: '${id}', name: '${id}', description: 'test', params: ${params},
  create: () => ({ async load() {}, render: (ctx) => ({ data: new Uint8Array(ctx.width * ctx.height * 4), width: ctx.width, height: ctx.height }), unload() {} }),
}`;
const module = (body: string) => `export default ${body};\n`;
const pkg = (name: string, field: unknown) => JSON.stringify({ name, type: 'module', 'daydream-scope': field });

async function load(paths: string[], search: string[] = []) {
  const registry = new PipelineRegistry([solidPipeline('solid')]);
  const logs: string[] = [];
  const reports = await loadPlugins(registry, { paths, search, version: '9.9.9', log: (m) => logs.push(m), cwd: root });
  const byId = (source: string) => reports.find((r) => r.source === source)!;
  return { registry, reports, logs, byId };
}

describe('pipeline plugins', () => {
  it('loads a module file, a function of the plugin API, a folder with package.json, and an installed package', async () => {
    await write({
      'plain.mjs': module(pipeline('plain')),
      'api.mjs': module(
        `({ p, definePipeline, version }) => [definePipeline(${pipeline('from-api', "{ amount: p.number(0.5, { min: 0, max: 1 }), look: p.enum('a', ['a', 'b']) }")}), ${pipeline('version-' + "' + version.replaceAll('.', '-') + '")}]`,
      ),
      'folder/package.json': pkg('folder-plugin', { pipelines: './lib/entry.mjs' }),
      'folder/lib/entry.mjs': module(pipeline('folder')),
      'modules/node_modules/scope-glow/package.json': pkg('scope-glow', { pipelines: 'main.mjs' }),
      'modules/node_modules/scope-glow/main.mjs': module(pipeline('glow')),
      'modules/node_modules/@vj/strobe/package.json': pkg('@vj/strobe', { pipelines: './strobe.mjs' }),
      'modules/node_modules/@vj/strobe/strobe.mjs': module(pipeline('strobe')),
      'modules/node_modules/lodash-like/package.json': JSON.stringify({ name: 'lodash-like', main: 'index.js' }),
      'modules/node_modules/broken-json/package.json': '{ not json',
    });
    const { registry, reports, logs } = await load(
      ['plain.mjs', 'api.mjs', 'folder'],
      [join(root, 'modules/node_modules'), join(root, 'modules/node_modules')],
    );
    expect(reports.map((r) => [r.source, r.state, r.pipelines])).toEqual([
      ['plain.mjs', 'loaded', ['plain']],
      ['api.mjs', 'loaded', ['from-api', 'version-9-9-9']],
      ['folder', 'loaded', ['folder']],
      ['@vj/strobe', 'loaded', ['strobe']],
      ['scope-glow', 'loaded', ['glow']],
    ]);
    expect(registry.ids()).toEqual(['solid', 'plain', 'from-api', 'version-9-9-9', 'folder', 'strobe', 'glow']);
    expect(registry.get('from-api')!.params).toMatchObject({ look: { kind: 'enum', options: ['a', 'b'] } });
    expect(logs).toContain('plugin api.mjs: from-api, version-9-9-9');
  });

  it('lists a plugin that cannot load with its reason, registers none of its pipelines, and loads the rest', async () => {
    await write({
      'throws.mjs': `throw new Error('missing native library');\n`,
      'bad-export.mjs': module('42'),
      'no-default.mjs': `export const pipelines = [];\n`,
      'factory-throws.mjs': module(`() => { throw new Error('no GPU here'); }`),
      'taken.mjs': module(`[${pipeline('fine')}, ${pipeline('solid')}]`),
      'twice.mjs': module(`[${pipeline('dup')}, ${pipeline('dup')}]`),
      'min-max.mjs': module(
        `[${pipeline('ok-one')}, ${pipeline('range', "{ gain: { kind: 'number', default: 1, min: 2, max: 0, curve: 'linear', smoothing: 0, mode: 'runtime' } }")}]`,
      ),
      'enum-default.mjs': module(
        pipeline('menu', "{ look: { kind: 'enum', default: 'c', options: ['a', 'b'], mode: 'runtime' } }"),
      ),
      'reserved.mjs': module(pipeline('sized', "{ width: { kind: 'bool', default: true, mode: 'runtime' } }")),
      'bad-id.mjs': module(pipeline('Not An Id')),
      'no-create.mjs': module(`{ id: 'lazy', name: 'lazy', description: '', params: {} }`),
      'good.mjs': module(pipeline('good')),
      'bad-field/node_modules/odd/package.json': pkg('odd', 'index.js'),
      'bad-field/node_modules/gone/package.json': pkg('gone', { pipelines: './missing.mjs' }),
    });
    const paths = ['throws.mjs', 'bad-export.mjs', 'no-default.mjs', 'factory-throws.mjs', 'taken.mjs', 'twice.mjs'];
    paths.push('min-max.mjs', 'enum-default.mjs', 'reserved.mjs', 'bad-id.mjs', 'no-create.mjs', 'nowhere', 'good.mjs');
    const { registry, reports, logs, byId } = await load(paths, [join(root, 'bad-field/node_modules')]);
    expect(byId('throws.mjs').error).toMatch(/^could not import .*throws\.mjs: missing native library$/);
    expect(byId('bad-export.mjs').error).toMatch(/^it exports no pipelines: the default export must be/);
    expect(byId('no-default.mjs').error).toMatch(/^it exports no pipelines/);
    expect(byId('factory-throws.mjs').error).toBe('its exported function threw: no GPU here');
    expect(byId('taken.mjs').error).toBe('pipeline id "solid" is taken by a built-in pipeline');
    expect(byId('twice.mjs').error).toBe('it declares pipeline "dup" twice');
    expect(byId('min-max.mjs').error).toBe('pipeline "range" is invalid: params.gain: min is above max');
    expect(byId('enum-default.mjs').error).toMatch(
      /^pipeline "menu" is invalid: params\.look: default "c": expected one of a, b/,
    );
    expect(byId('reserved.mjs').error).toMatch(/^pipeline "sized" is invalid: params\.width: width and height are/);
    expect(byId('bad-id.mjs').error).toMatch(/^pipeline "Not An Id" is invalid: id: an id is lower-case letters/);
    expect(byId('no-create.mjs').error).toBe('pipeline "lazy" is invalid: create: create must be a function');
    expect(byId('nowhere').error).toBe(`no such file or folder: ${join(root, 'nowhere')}`);
    expect(byId('odd').error).toBe('its package.json field "daydream-scope" must be { "pipelines": "./entry.js" }');
    expect(byId('gone').error).toBe(
      `its entry ${join(root, 'bad-field/node_modules/gone/missing.mjs')} does not exist`,
    );
    expect(byId('good.mjs')).toMatchObject({ state: 'loaded', pipelines: ['good'], error: null });
    // All or nothing: "fine" and "ok-one" came with a bad sibling and stay out.
    expect(registry.ids()).toEqual(['solid', 'good']);
    expect(reports.filter((r) => r.state === 'failed')).toHaveLength(14);
    expect(logs).toContain('plugin twice.mjs not loaded: it declares pipeline "dup" twice');
  });

  it('a plugin taking an id another plugin took first is refused, naming that plugin', async () => {
    await write({ 'first.mjs': module(pipeline('same')), 'second.mjs': module(pipeline('same')) });
    const { byId } = await load(['first.mjs', 'second.mjs']);
    expect(byId('second.mjs').error).toBe('pipeline id "same" is taken by plugin first.mjs');
  });

  it('lists every plugin at GET /plugins', async () => {
    const reports: PluginReport[] = [
      { source: 'a.mjs', entry: '/x/a.mjs', state: 'loaded', pipelines: ['a'], error: null },
      { source: 'b', entry: null, state: 'failed', pipelines: [], error: 'no such file or folder: /x/b' },
    ];
    const res = await pluginRoutes(reports).request('/plugins');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(reports);
  });
});
