import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testPattern } from '../../pipelines/test-pattern/pattern';
import { solidPipeline } from '../engine/test-support';
import { ManualClock } from '../engine/clock';
import { TestSocket, socketRig, startTestScope } from './test-support';
import { startTestRig } from '../test-rig';
import { grab, grabUntil, meanRgb, near } from './test-helpers';
import { MemoryBudget } from '../engine/memory-budget';
import type { Scope } from '../main';
import type { MemoryStats } from '../shared/memory';
import type { Grabbed } from './test-helpers';
import type { Rig } from './test-support';

// Solid frames: red = `level`, green = frame index, blue = the load-time `seed`.
const solid = solidPipeline('solid');
const other = solidPipeline('other');
const nofiles = solidPipeline('nofiles', { loadFails: true });
const red = (g: Grabbed) => meanRgb(g)[0];
const blue = (g: Grabbed) => meanRgb(g)[2];

/** Releases frames until `done` holds (a reload after its debounce on the clock), at most `limit` frames. */
async function framesUntil(rig: Rig, done: () => boolean, limit = 30): Promise<void> {
  for (let i = 0; i < limit && !done(); i++) await rig.frames(1);
  await rig.services.host.settled();
}

describe('loading and switching pipelines, seen in the frames', () => {
  let rig: Awaited<ReturnType<typeof startTestRig>>;
  const load = (body: unknown, wait = true) =>
    rig.call(`/api/v1/pipeline/load${wait ? '?wait=true' : ''}`, { method: 'POST', body });
  const status = async () => (await rig.call('/api/v1/pipeline/status')).body;
  const health = async () => (await rig.call('/health')).body;

  beforeAll(async () => {
    rig = await startTestRig({ pipelines: [solid, other, nofiles, testPattern], pipeline: 'solid' });
  });
  afterEach(async () => {
    expect((await load({ pipeline_id: 'solid', params: { level: 10, seed: 1, width: 64, height: 64 } })).status).toBe(
      200,
    );
  });
  afterAll(() => rig.stop());

  it('the frame shows the parameters: red = level, blue = seed', async () => {
    const first = await grabUntil(rig, (g) => near(red(g), 10) && near(blue(g), 1), 'a frame of the defaults');
    expect(first).toMatchObject({ pipeline: 'solid', width: 64, height: 64 });
    expect((await rig.call('/api/v1/parameters', { method: 'PATCH', body: { level: 200 } })).status).toBe(200);
    const later = await grabUntil(rig, (g) => near(red(g), 200), 'a frame with level 200');
    expect(later.seq).toBeGreaterThan(first.seq);
  });

  it('a load-time parameter reloads the pipeline; the picture follows and live values stay', async () => {
    await rig.call('/api/v1/parameters', { method: 'PATCH', body: { level: 120 } });
    const created = solid.created;
    const loadedAt = (await status()).loadedAt;
    const r = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { seed: 7 } });
    expect(r).toEqual({ status: 200, body: { pipeline: 'solid', values: { seed: 7 } } });
    await framesUntil(rig, () => solid.created > created);
    expect((await status()).loadedAt).not.toBe(loadedAt);
    expect(solid.created).toBe(created + 1);
    expect(await status()).toMatchObject({ state: 'ready', pipelineId: 'solid', error: null });
    const reloaded = await grabUntil(rig, (g) => near(blue(g), 7), 'a frame with seed 7');
    expect(near(red(reloaded), 120)).toBe(true);
    // One value through PUT, the same way.
    const put = await rig.call('/api/v1/parameters/seed', { method: 'PUT', body: { value: 4 } });
    expect(put.body.values).toEqual({ seed: 4 });
    await grabUntil(rig, (g) => near(blue(g), 4), 'a frame with seed 4');
  });

  it('width and height reload the pipeline at the new size', async () => {
    const r = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { width: 128, height: 72 } });
    expect(r.body.values).toEqual({ width: 128, height: 72 });
    const big = await grabUntil(rig, (g) => g.width === 128, 'a 128 px wide frame');
    expect(big).toMatchObject({ width: 128, height: 72, pipeline: 'solid' });
  });

  it('an unknown pipeline is a 404 naming the known ones; the old pipeline keeps running', async () => {
    await rig.call('/api/v1/parameters', { method: 'PATCH', body: { level: 60 } });
    const before = await grabUntil(rig, (g) => near(red(g), 60), 'a frame with level 60');
    const r = await load({ pipeline_id: 'nope' });
    expect(r.status).toBe(404);
    expect(r.body.error).toEqual({ code: 'unknown_pipeline', message: expect.stringContaining('solid, other') });
    await rig.frames(6);
    const after = await grab(rig);
    expect(after.seq).toBeGreaterThan(before.seq + 2);
    expect(after.pipeline).toBe('solid');
    expect(near(red(after), 60)).toBe(true);
    expect(await status()).toMatchObject({ state: 'ready', pipelineId: 'solid', error: null });
    expect(await health()).toMatchObject({ pipeline: 'solid', state: 'ready' });
  });

  it.each([
    ['an empty object', '{}', 'invalid_body'],
    ['an empty pipeline_id', '{"pipeline_id": ""}', 'invalid_body'],
    ['a number as pipeline_id', '{"pipeline_id": 5}', 'invalid_body'],
    ['the id under another key', '{"id": "other"}', 'invalid_body'],
    ['params that are not an object', '{"pipeline_id": "other", "params": [1]}', 'invalid_body'],
    ['bad JSON', '{"pipeline_id": "other"', 'bad_json'],
    ['a param of the wrong type', '{"pipeline_id": "other", "params": {"level": "high"}}', 'invalid_parameters'],
    [
      'a param out of its choices',
      '{"pipeline_id": "test-pattern", "params": {"background": "red"}}',
      'invalid_parameters',
    ],
    ['a param of another pipeline', '{"pipeline_id": "test-pattern", "params": {"level": 3}}', 'invalid_parameters'],
  ])('a load with %s is a 400 and nothing switches', async (_what, raw, code) => {
    const created = other.created;
    const r = await rig.call('/api/v1/pipeline/load?wait=true', { method: 'POST', raw });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code, message: expect.any(String) });
    expect(other.created).toBe(created);
    expect(await status()).toMatchObject({ state: 'ready', pipelineId: 'solid' });
    expect((await grab(rig)).pipeline).toBe('solid');
  });

  it('switches with ?wait=true; the answer is the ready status and frames then come from the new one', async () => {
    const r = await load({ pipeline_id: 'other', params: { level: 99, seed: 3 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'ready', pipelineId: 'other', error: null, stage: null });
    expect(await health()).toMatchObject({ pipeline: 'other', state: 'ready' });
    // The newest frame may still be one published during the load; the next rendered one is from "other".
    const g = await grabUntil(rig, (f) => near(red(f), 99) && near(blue(f), 3), 'a frame of "other"');
    expect(g.pipeline).toBe('other');
    const list = (await rig.call('/api/v1/pipelines')).body as { id: string; active: boolean }[];
    expect(list.filter((p) => p.active).map((p) => p.id)).toEqual(['other']);
    expect((await rig.call('/api/v1/parameters')).body).toMatchObject({
      pipeline: 'other',
      values: { level: 99, seed: 3, width: 64, height: 64 },
    });
  });

  it('switches to the built-in test-pattern: its parameters and its picture', async () => {
    const r = await load({ pipeline_id: 'test-pattern' });
    expect(r.body).toMatchObject({ state: 'ready', pipelineId: 'test-pattern' });
    const params = (await rig.call('/api/v1/parameters')).body;
    // This rig is the app without the root's perform layer: the pipeline's parameters alone.
    expect(Object.keys(params.schema.properties)).toEqual([
      'width',
      'height',
      'interpolate',
      'pipelineDepth',
      'speed',
      'counter',
      'background',
    ]);
    const g = await grabUntil(rig, (f) => f.pipeline === 'test-pattern', 'a test-pattern frame');
    expect(g).toMatchObject({ width: 64, height: 64 });
    // Not a flat colour: bars and a counter.
    expect(new Set(g.pixels).size).toBeGreaterThan(20);
  });

  it('a pipeline that fails to load: 500 with the reason, and the one before it goes on rendering', async () => {
    const r = await load({ pipeline_id: 'nofiles' });
    expect(r.status).toBe(500);
    expect(r.body.error).toEqual({ code: 'load_failed', message: expect.stringContaining('weights missing') });
    expect(await status()).toMatchObject({
      state: 'ready',
      pipelineId: 'solid',
      error: null,
      lastLoadError: { pipelineId: 'nofiles', phase: 'load', message: 'weights missing' },
    });
    const a = await grab(rig);
    await rig.frames(6);
    const b = await grab(rig);
    expect(b.seq).toBeGreaterThan(a.seq);
    expect(b.pipeline).toBe('solid');
    expect((await load({ pipeline_id: 'other' })).body).toMatchObject({ state: 'ready', pipelineId: 'other' });
  });

  it('a load without waiting answers 202 at once with the loading status', async () => {
    const r = await load({ pipeline_id: 'other', params: { level: 30 } }, false);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ state: 'loading', pipelineId: 'other' });
    const g = await grabUntil(rig, (f) => near(red(f), 30), 'a frame at level 30');
    expect(g.pipeline).toBe('other');
  });
});

describe('loading over the WebSocket, seen in the frames', () => {
  let scope: Scope;
  let rig: Rig;
  const ws = new Set<TestSocket>();
  const open = async () => {
    const socket = await TestSocket.open(scope.url);
    ws.add(socket);
    await socket.take('hello');
    return socket;
  };

  beforeAll(async () => {
    const clock = new ManualClock();
    scope = await startTestScope({ pipelines: [solid, other], pipeline: 'solid', clock });
    rig = socketRig(scope, clock);
  });
  afterAll(async () => {
    await Promise.all([...ws].map((s) => s.close()));
    await scope.stop();
  });

  it('a load-time parameter dragged like a slider reloads once, with the last value', async () => {
    const socket = await open();
    const created = solid.created;
    for (const seed of [2, 3, 4, 5]) socket.send({ type: 'set', params: { seed } });
    socket.send({ type: 'set', params: { seed: 6 }, id: 'last' });
    // The values arrive over a real socket: once the last one is acknowledged, let clock time pass.
    await socket.take('ack', (m) => m.id === 'last');
    await framesUntil(rig, () => solid.created > created);
    await rig.frames(12); // 400 ms, longer than the reload debounce: no second reload follows
    await grabUntil(rig, (g) => near(blue(g), 6), 'a frame with seed 6', 30);
    expect(solid.created).toBe(created + 1);
  });

  it('loads through the WebSocket too, and the frames follow', async () => {
    const socket = await open();
    socket.send({ type: 'load', pipeline_id: 'other', params: { level: 150 }, id: 'w' });
    expect((await socket.take('ack')).status).toMatchObject({ pipelineId: 'other' });
    await socket.take('state', (m) => m.status.state === 'ready' && m.status.pipelineId === 'other');
    const g = await grabUntil(rig, (f) => near(red(f), 150), 'a frame at level 150', 30);
    expect(g.pipeline).toBe('other');
  });
});

describe('a load that would not fit the memory budget', () => {
  const GB = 1024 ** 3;
  // The server holds 1 GB; `other` took 3.5 GB when last loaded; the budget is 4 GB.
  const budget = new MemoryBudget(4 * GB);
  budget.remember('other', 'measured', { rss: 3.5 * GB, gpu: null });
  const sample = {
    server: { rss: GB, heapUsed: 0 },
    pipelines: [],
    total: GB,
    budget: 4 * GB,
    system: { total: 16 * GB, free: 8 * GB },
    gpu: null,
    webgpu: null,
    sampledAt: '2026-01-01T00:00:00.000Z',
  } satisfies MemoryStats;
  let rig: Awaited<ReturnType<typeof startTestRig>>;
  beforeAll(async () => {
    rig = await startTestRig({
      pipelines: [solid, other],
      pipeline: 'solid',
      admit: (request) => budget.admit({ ...request, key: 'measured' }, sample),
    });
  });
  afterAll(() => rig.stop());

  it('answers 507 saying what to free, and the running pipeline goes on', async () => {
    const before = await grab(rig);
    const r = await rig.call('/api/v1/pipeline/load?wait=true', { method: 'POST', body: { pipeline_id: 'other' } });
    expect(r).toMatchObject({
      status: 507,
      body: {
        error: {
          code: 'memory_budget',
          message: expect.stringMatching(
            /loading other needs about 3\.5 GB .* Raise --memory-budget to at least 4\.5 GB/,
          ),
        },
      },
    });
    expect((await rig.call('/api/v1/pipeline/status')).body).toMatchObject({ state: 'ready', pipelineId: 'solid' });
    await rig.frames(2);
    const after = await grab(rig);
    expect(after).toMatchObject({ pipeline: 'solid' });
    expect(after.seq).toBeGreaterThan(before.seq);
  });
});

describe('numbers in text at the HTTP edge', () => {
  let rig: Awaited<ReturnType<typeof startTestRig>>;
  beforeAll(async () => {
    rig = await startTestRig({ pipelines: [solid], pipeline: 'solid' });
  });
  afterAll(() => rig.stop());

  it.each(['0x10', ' 2 ', '', true])('refuses %j for a number, and the value stays', async (value) => {
    await rig.call('/api/v1/parameters', { method: 'PATCH', body: { level: 30 } });
    const r = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { level: value } });
    expect(r).toMatchObject({ status: 400, body: { error: { code: 'invalid_parameters' } } });
    expect(rig.services.params.get('level')).toBe(30);
  });

  it('takes a number written plainly in text', async () => {
    const r = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { level: '64' } });
    expect(r.status).toBe(200);
    expect(rig.services.params.get('level')).toBe(64);
  });
});
