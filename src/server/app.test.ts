import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPipeline } from '../engine/test-support';
import { createApp } from './app';
import { startTestRig } from '../test-rig';
import type { Hono } from 'hono';
import type { PipelineDefinition } from '../engine/pipeline';

/** A promise and its resolve, as Promise.withResolvers (Node 22) gives them. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A pipeline whose load goes on until the test lets it finish, to be superseded. */
let slowStarted = deferred();
let slowDone = deferred();
const slow: PipelineDefinition = {
  ...solidPipeline('slow'),
  create: () => ({
    load: () => {
      slowStarted.resolve();
      return slowDone.promise;
    },
    render: () => ({ data: new Uint8Array(0), width: 0, height: 0 }),
    unload() {},
  }),
};

describe('the app without a socket (app.request)', () => {
  let scope: Awaited<ReturnType<typeof startTestRig>>;
  let app: Hono;
  const json = async (path: string, init?: RequestInit) => {
    const res = await app.request(path, init);
    return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const post = (path: string, body: unknown) => json(path, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    scope = await startTestRig({
      pipelines: [solidPipeline('solid'), solidPipeline('nofiles', { loadFails: true }), slow],
      pipeline: 'solid',
    });
    app = scope.app;
  });
  afterAll(() => scope.stop());

  it('answers 500 load_failed when a waited-for load fails, and the pipeline before it goes on', async () => {
    const r = await post('/api/v1/pipeline/load?wait=true', { pipeline_id: 'nofiles' });
    expect(r).toMatchObject({ status: 500, body: { error: { code: 'load_failed' } } });
    expect(r.body.error.message).toContain('weights missing');
    expect((await json('/health')).body).toMatchObject({ pipeline: 'solid', state: 'ready' });
    expect((await post('/api/v1/pipeline/load?wait=1', { pipeline_id: 'solid' })).status).toBe(200);
  });

  it('answers 409 when a waited-for load is superseded', async () => {
    slowStarted = deferred();
    slowDone = deferred();
    const waiting = post('/api/v1/pipeline/load?wait=true', { pipeline_id: 'slow' });
    await slowStarted.promise;
    expect((await post('/api/v1/pipeline/load', { pipeline_id: 'solid' })).status).toBe(202);
    slowDone.resolve();
    expect(await waiting).toMatchObject({ status: 409, body: { error: { code: 'load_superseded' } } });
    await scope.services.host.settled();
    expect(scope.services.host.activeId).toBe('solid');
  });

  it.each([
    [
      'a body that is too large',
      '/api/v1/parameters',
      'PATCH',
      JSON.stringify({ level: 'x'.repeat(2 * 1024 * 1024) }),
      413,
      'body_too_large',
    ],
    ['PUT without value key', '/api/v1/parameters/level', 'PUT', '{"val": 3}', 400, 'invalid_body'],
    [
      'load with unknown keys',
      '/api/v1/pipeline/load',
      'POST',
      '{"pipeline_id": "solid", "x": 1}',
      400,
      'invalid_body',
    ],
    [
      'load with a bad wait',
      '/api/v1/pipeline/load?wait=maybe',
      'POST',
      '{"pipeline_id": "solid"}',
      400,
      'invalid_query',
    ],
    ['an empty body', '/api/v1/pipeline/load', 'POST', '', 400, 'bad_json'],
    ['a wrong method', '/api/v1/parameters', 'DELETE', undefined, 404, 'not_found'],
  ])('%s: %i in the one error shape', async (_what, path, method, body, status, code) => {
    const before = scope.services.params.current();
    const r = await json(path, { method, body });
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(scope.services.params.current()).toEqual(before);
    expect(scope.services.host.activeId).toBe('solid');
  });

  it('refuses changes from a foreign web page (403) but not reads', async () => {
    const headers = { origin: 'https://evil.example', host: '127.0.0.1:8000', 'content-type': 'text/plain' };
    const r = await json('/api/v1/pipeline/load', { method: 'POST', headers, body: '{"pipeline_id": "nofiles"}' });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'forbidden_origin' } } });
    expect(scope.services.host.activeId).toBe('solid');
    expect((await app.request('/api/v1/parameters', { headers })).status).toBe(200);
  });

  it('serves the built panel when web/dist/index.html exists', async () => {
    const root = mkdtempSync(join(tmpdir(), 'scope-web-'));
    writeFileSync(join(root, 'index.html'), '<p>panel</p>');
    writeFileSync(join(root, 'app.js'), 'export {}');
    const withPanel = createApp(scope.services, { webRoot: root });
    expect(await (await withPanel.request('/')).text()).toBe('<p>panel</p>');
    expect((await withPanel.request('/app.js')).headers.get('content-type')).toContain('javascript');
    expect((await withPanel.request('/missing.js')).status).toBe(404);
    expect((await withPanel.request('/health')).status).toBe(200);
  });
});

describe('a "__proto__" key', () => {
  it('is refused by load (400) and never reaches the store', async () => {
    const scope = await startTestRig({ pipelines: [solidPipeline('solid')], pipeline: 'solid' });
    const res = await scope.app.request('/api/v1/pipeline/load', {
      method: 'POST',
      body: '{"pipeline_id": "solid", "params": {"__proto__": {"level": 3}}}',
    });
    expect(res.status).toBe(400);
    expect(scope.services.params.get('level')).toBe(10);
    await scope.stop();
  });
});
