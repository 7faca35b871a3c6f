import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withErrorAnswers } from '../server/app';
import { ModelManager } from './manager';
import { modelRoutes } from './routes';
import { TestHub, testBytes } from './test-hub';
import type { ModelsStatus } from './status';

let hub: TestHub;
let manager: ModelManager;
let app: Hono;

beforeEach(async () => {
  hub = await new TestHub().start();
  hub.add('acme/tiny', 'main', 'model.onnx', { bytes: testBytes(50_000) });
  const dir = mkdtempSync(join(tmpdir(), 'models-routes-'));
  manager = new ModelManager({
    manifests: [
      {
        id: 'tiny',
        pipeline: 'test-pipe',
        description: 'tiny',
        artifacts: [{ repo: 'acme/tiny', revision: 'main', file: 'model.onnx', role: 'graph', size: 50_000 }],
      },
    ],
    dir,
    env: { HF_ENDPOINT: hub.endpoint, HF_HOME: dir },
  });
  // Mounted as the server mounts it, with the server's error answer.
  app = withErrorAnswers(new Hono());
  app.route('/api/v1', modelRoutes(manager));
});
afterEach(() => hub.close());

const post = (body: string) =>
  app.request('/api/v1/models/download', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
const status = async () => (await (await app.request('/api/v1/models/status')).json()) as ModelsStatus;

describe('model routes', () => {
  it('reports every model', async () => {
    const s = await status();
    expect(s.models).toEqual([
      expect.objectContaining({ id: 'tiny', pipeline: 'test-pipe', state: 'missing', error: null }),
    ]);
    expect(s.models[0]!.files[0]).toMatchObject({ file: 'model.onnx', size: 50_000, present: 0, state: 'missing' });
  });

  it('starts a download with 202, joins a running one, and answers 200 once the model is here', async () => {
    const first = await post('{"model":"tiny"}');
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ model: 'tiny', state: 'downloading', joined: false });
    const second = await post('{"model":"tiny"}');
    expect(second.status).toBe(202);
    expect(await second.json()).toMatchObject({ joined: true });
    await vi.waitFor(async () => expect((await status()).models[0]!.state).toBe('ready'));
    expect(hub.requests.filter((r) => r.server === 'cdn')).toHaveLength(1);
    const again = await post('{"model":"tiny"}');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ state: 'ready' });
  });

  it('keeps a failed download in the status', async () => {
    hub.errors.set('/acme/tiny/resolve/main/model.onnx', { status: 403, code: 'GatedRepo' });
    expect((await post('{"model":"tiny"}')).status).toBe(202);
    await vi.waitFor(async () => expect((await status()).models[0]!.state).toBe('error'));
    expect((await status()).models[0]!.error).toMatch(/gated/);
  });

  it.each([
    ['{"model":"nope"}', 404, 'not_found', /unknown model "nope"; known: tiny/],
    ['{"id":"tiny"}', 400, 'invalid_body', /expected \{"model": "<id>", "variant"\?: "<name>"\}/],
    ['{', 400, 'bad_json', /not valid JSON/],
  ])('rejects %s with %i', async (body, code, errorCode, message) => {
    const res = await post(body);
    expect(res.status).toBe(code);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe(errorCode);
    expect(json.error.message).toMatch(message);
  });
});

describe('model routes with variants', () => {
  it('downloads the variant the server’s provider runs whole, or the one named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'models-routes-'));
    const variants = (['webgpu', 'olive-cuda'] as const).map((name) => {
      hub.add(`acme/pic-${name}`, 'main', 'model.onnx', { bytes: testBytes(1000) });
      return {
        id: `pic@${name}`,
        pipeline: 'test-pipe',
        description: name,
        artifacts: [{ repo: `acme/pic-${name}`, revision: 'main', file: 'model.onnx', role: 'graph', size: 1000 }],
        variant: {
          of: 'pic',
          name,
          tunedFor: [name === 'webgpu' ? 'webgpu' : 'cuda'],
          contribOps: name === 'webgpu' ? [] : ['com.microsoft.GroupNorm'],
          verified: true,
          checked: '',
        },
      };
    });
    const m = new ModelManager({ manifests: variants, dir, env: { HF_ENDPOINT: hub.endpoint, HF_HOME: dir } });
    const a = withErrorAnswers(new Hono());
    a.route('/api/v1', modelRoutes(m, { provider: async () => 'cuda' }));
    const ask = async (body: object) =>
      (await a.request('/api/v1/models/download', {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      })) as Response;
    expect(await (await ask({ model: 'pic' })).json()).toMatchObject({ model: 'pic@olive-cuda' });
    expect(await (await ask({ model: 'pic', variant: 'webgpu' })).json()).toMatchObject({ model: 'pic@webgpu' });
    const wrong = await ask({ model: 'pic', variant: 'tpu' });
    expect(wrong.status).toBe(404);
    expect(JSON.stringify(await wrong.json())).toMatch(/pic has no variant \\"tpu\\"; it has webgpu, olive-cuda/);
    await vi.waitFor(async () => expect((await m.status()).models.every((s) => s.state === 'ready')).toBe(true));
  });
});
