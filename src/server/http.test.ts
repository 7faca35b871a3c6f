import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinPipelines } from '../../pipelines/index';
import { startScope } from '../main';
import { createApp } from './app';
import { call, isJpeg, spied, startTestScope } from './test-support';
import { startTestRig } from '../test-rig';
import type { Rig } from './test-support';

const [neuralField, ...others] = builtinPipelines;
const field = spied(neuralField!);

/** Mean of the RGB channels of the newest frame, decoded from /api/v1/frame. */
async function meanLevel(rig: Rig): Promise<number> {
  const res = await rig.request('/api/v1/frame');
  const { data } = await sharp(Buffer.from(await res.arrayBuffer()))
    .raw()
    .toBuffer({ resolveWithObject: true });
  let sum = 0;
  for (const v of data) sum += v;
  return sum / data.length;
}

describe('HTTP API with neural-field', () => {
  let rig: Awaited<ReturnType<typeof startTestRig>>;

  beforeAll(async () => {
    rig = await startTestRig({ pipelines: [field, ...others], pipeline: 'neural-field' });
    await rig.frames(1);
  });
  afterAll(() => rig.stop());

  it('GET /health', async () => {
    const { status, body } = await rig.call('/health');
    expect(status).toBe(200);
    expect(body).toEqual({
      ok: true,
      version: rig.services.version,
      pipeline: 'neural-field',
      state: 'ready',
      live: true,
      ready: true,
      waiting: [],
    });
  });

  it('GET /api/v1/pipelines lists every pipeline with its JSON Schema', async () => {
    const { status, body } = await rig.call('/api/v1/pipelines');
    expect(status).toBe(200);
    expect(body.map((p: { id: string }) => p.id)).toEqual(builtinPipelines.map((p) => p.id));
    const nf = body[0];
    expect(nf).toMatchObject({ id: 'neural-field', active: true });
    expect(nf.schema.properties.width).toMatchObject({ type: 'integer', minimum: 64 });
    expect(nf.schema.properties.zoom).toMatchObject({ type: 'number', minimum: 0.1, maximum: 10 });
    expect(body[1].active).toBe(false);
  });

  it('GET status, parameters and stats', async () => {
    const status = await rig.call('/api/v1/pipeline/status');
    expect(status.body).toMatchObject({ state: 'ready', pipelineId: 'neural-field', error: null });
    const params = await rig.call('/api/v1/parameters');
    expect(params.body.pipeline).toBe('neural-field');
    expect(params.body.values).toMatchObject({ width: 64, height: 64 });
    expect(Object.keys(params.body.schema.properties)).toEqual(Object.keys(params.body.values));
    const stats = await rig.call('/api/v1/stats');
    expect(stats.body).toMatchObject({ targetFps: 30, state: 'ready', paused: false, clients: { ws: 0, mjpeg: 0 } });
    expect(stats.body.frames).toBeGreaterThan(0);
  });

  it('GET /api/v1/frame is a JPEG of the output size; quality is optional and checked', async () => {
    const res = await rig.request('/api/v1/frame');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await res.arrayBuffer());
    expect(isJpeg(jpeg)).toBe(true);
    expect(await sharp(jpeg).metadata()).toMatchObject({ format: 'jpeg', width: 64, height: 64 });
    const low = Buffer.from(await (await rig.request('/api/v1/frame?quality=5')).arrayBuffer());
    expect(isJpeg(low)).toBe(true);
    const bad = await rig.call('/api/v1/frame?quality=101');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_query');
  });

  it('PATCH changes a value and later frames show it', async () => {
    let r = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { brightness: -1 } });
    expect(r).toEqual({ status: 200, body: { pipeline: 'neural-field', values: { brightness: -1 } } });
    await rig.frames(24); // brightness is smoothed over ~0.1 s
    const dark = await meanLevel(rig);
    r = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { brightness: 1 } });
    expect(r.status).toBe(200);
    await rig.frames(24);
    const bright = await meanLevel(rig);
    expect(bright).toBeGreaterThan(dark + 50);
    r = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { brightness: 0 } });
    expect(r.status).toBe(200);
  });

  it('clamps numbers out of range and answers with the applied value', async () => {
    const r = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { zoom: 500, spin: '-0.5' } });
    expect(r).toEqual({ status: 200, body: { pipeline: 'neural-field', values: { zoom: 10, spin: -0.5 } } });
    expect((await rig.call('/api/v1/parameters')).body.values).toMatchObject({ zoom: 10, spin: -0.5 });
    const one = await rig.call('/api/v1/parameters/zoom', { method: 'PUT', body: { value: 2 } });
    expect(one).toEqual({ status: 200, body: { pipeline: 'neural-field', values: { zoom: 2 } } });
  });

  it.each([
    ['a value of the wrong type', { raw: JSON.stringify({ zoom: 2.5, palette: 42 }) }, 'invalid_parameters'],
    ['an unknown parameter', { raw: JSON.stringify({ zoom: 2.5, nope: 1 }) }, 'invalid_parameters'],
    ['null', { raw: JSON.stringify({ zoom: null }) }, 'invalid_parameters'],
    ['bad JSON', { raw: '{"zoom": 2.5' }, 'bad_json'],
    ['an array body', { raw: '[1, 2]' }, 'invalid_body'],
  ])('PATCH with %s is a 400 and changes nothing', async (_what, init, code) => {
    const before = (await rig.call('/api/v1/parameters')).body.values;
    const r = await rig.call('/api/v1/parameters', { method: 'PATCH', ...init });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(code);
    expect(typeof r.body.error.message).toBe('string');
    if (code === 'invalid_parameters') expect(Object.keys(r.body.error.fields).length).toBe(1);
    expect((await rig.call('/api/v1/parameters')).body.values).toEqual(before);
  });

  it('PUT of an unknown parameter is a 404; an unknown route is a 404 in the same shape', async () => {
    const r = await rig.call('/api/v1/parameters/nope', { method: 'PUT', body: { value: 1 } });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('unknown_parameter');
    const nf = await rig.call('/api/v1/nothing');
    expect(nf).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('loading an unknown pipeline is a 404 and the old one keeps running', async () => {
    const framesBefore = rig.services.engine.getStats().frames;
    const r = await rig.call('/api/v1/pipeline/load', { body: { pipeline_id: 'nope' } });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'unknown_pipeline' });
    expect(r.body.error.message).toContain('neural-field');
    const bad = await rig.call('/api/v1/pipeline/load', { body: { pipeline: 'test-pattern' } });
    expect(bad.status).toBe(400);
    const badParams = await rig.call('/api/v1/pipeline/load', {
      body: { pipeline_id: 'test-pattern', params: { counter: 'maybe' } },
    });
    expect(badParams.status).toBe(400);
    expect(badParams.body.error.fields).toHaveProperty('counter');
    await rig.frames(6);
    expect(rig.services.engine.getStats().frames).toBeGreaterThan(framesBefore + 5);
    expect((await rig.call('/health')).body).toMatchObject({ pipeline: 'neural-field', state: 'ready' });
    expect(field.unloaded).toBe(0);
  });

  it('switches pipelines (202 then ready) and unloads the old one', async () => {
    const r = await rig.call('/api/v1/pipeline/load', {
      body: { pipeline_id: 'test-pattern', params: { speed: 1 } },
    });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ state: 'loading', pipelineId: 'test-pattern' });
    await rig.services.host.settled();
    expect((await rig.call('/health')).body.state).toBe('ready');
    expect((await rig.call('/api/v1/parameters')).body.values).toMatchObject({ speed: 1, background: '#101018' });
    const [frame] = await rig.frames(1);
    expect(frame!.pipelineId).toBe('test-pattern');
    // The old one goes once the new one has rendered a good frame.
    expect(field.unloaded).toBe(1);
    const list = (await rig.call('/api/v1/pipelines')).body;
    expect(list.find((p: { active: boolean }) => p.active).id).toBe('test-pattern');
    // ...and back, waiting for the end of the load.
    const back = await rig.call('/api/v1/pipeline/load?wait=true', { body: { pipeline_id: 'neural-field' } });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ state: 'ready', pipelineId: 'neural-field' });
    expect(field.created).toBe(2);
  });

  it('serves a placeholder page at / until the panel is built, the built panel after', async () => {
    const missing = createApp(rig.services, { webRoot: join(tmpdir(), 'no-panel-here') });
    const res = await missing.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('/api/v1/stream.mjpeg');

    const built = await mkdtemp(join(tmpdir(), 'panel-'));
    await writeFile(join(built, 'index.html'), '<!doctype html><title>the panel</title>');
    const panel = await createApp(rig.services, { webRoot: built }).request('/');
    expect(await panel.text()).toContain('the panel');
    await rm(built, { recursive: true });
  });
});

describe('HTTP on a real socket', () => {
  it('refuses to start on a port in use, with a sentence', async () => {
    const scope = await startTestScope({ pipelines: builtinPipelines, pipeline: 'test-pattern' });
    await expect(startScope({ port: scope.port, pipelines: builtinPipelines, log: () => {} })).rejects.toThrow(
      `Port ${scope.port} already in use on 127.0.0.1.`,
    );
    expect((await call(`${scope.url}/health`)).status).toBe(200);
    await scope.stop();
  });
});
