import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParamStore } from '../params/store';
import { p } from '../params/spec';
import { withErrorAnswers } from '../server/app';
import { PresetStore } from './store';
import { presetRoutes } from './routes';

let dir: string;
let params: ParamStore;
let app: Hono;
/** Set to make every write fail as a full disk does. */
let diskFull: boolean;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preset-routes-'));
  params = new ParamStore();
  params.define({ zoom: p.number(1, { min: 0.1, max: 10 }), palette: p.enum('oil', ['oil', 'fire']) });
  diskFull = false;
  const store = new PresetStore({
    path: join(dir, 'presets.json'),
    params,
    activePipeline: () => 'field',
    write: async (path, text) => {
      if (diskFull) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      await writeFile(path, text);
    },
  });
  // The server's error handler, as createApp installs it.
  app = withErrorAnswers(new Hono());
  app.route('/api/v1', presetRoutes(store));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const req = async (method: string, path: string, body?: string) => {
  const res = await app.request(`/api/v1${path}`, { method, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('presetRoutes', () => {
  it('saves the current values with an empty PUT, lists, recalls, deletes', async () => {
    params.set('zoom', 4, 'test');
    expect(await req('PUT', '/presets/big%20zoom')).toMatchObject({
      status: 200,
      body: { pipeline: 'field', presets: [{ name: 'big zoom', values: { zoom: 4, palette: 'oil' } }] },
    });
    params.set('zoom', 1, 'test');
    expect((await req('GET', '/presets')).body.presets).toHaveLength(1);
    expect(await req('POST', '/presets/big%20zoom/recall')).toMatchObject({
      status: 200,
      body: { ok: true, name: 'big zoom', values: { zoom: 4 }, skipped: [] },
    });
    expect(params.get('zoom')).toBe(4);
    expect(await req('DELETE', '/presets/big%20zoom')).toMatchObject({ status: 200, body: { presets: [] } });
  });

  it('saves given values, checked against the parameters', async () => {
    expect(await req('PUT', '/presets/hot', JSON.stringify({ values: { palette: 'fire', zoom: 99 } }))).toMatchObject({
      status: 200,
      body: { presets: [{ name: 'hot', values: { palette: 'fire', zoom: 10 } }] },
    });
    expect(await req('PUT', '/presets/bad', JSON.stringify({ values: { palette: 'plaid' } }))).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_parameters', fields: { palette: expect.any(String) } } },
    });
  });

  it.each([
    ['PUT', '/presets/x', '{oops', 400, 'bad_json'],
    ['PUT', '/presets/x', '{"vals": {}}', 400, 'invalid_body'],
    ['PUT', `/presets/${'n'.repeat(65)}`, '', 400, 'invalid_body'],
    ['POST', '/presets/none/recall', undefined, 404, 'not_found'],
    ['DELETE', '/presets/none', undefined, 404, 'not_found'],
  ])('%s %s %s answers %i %s', async (method, path, body, status, code) => {
    expect(await req(method, path, body)).toMatchObject({ status, body: { error: { code } } });
  });

  it('a save on a full disk answers 507 with a sentence, and the list is as before', async () => {
    await req('PUT', '/presets/one');
    diskFull = true;
    expect(await req('PUT', '/presets/two')).toMatchObject({
      status: 507,
      body: { error: { code: 'save_failed', message: expect.stringContaining('the disk is full (ENOSPC)') } },
    });
    expect((await req('GET', '/presets')).body.presets).toEqual([expect.objectContaining({ name: 'one' })]);
  });
});
