import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinPipelines } from '../../pipelines/index';
import { takesInput } from '../engine/pipeline';
import { preprocessParams } from '../preprocess';
import { errorBodySchema, pipelineStatusSchema, statsSchema } from '../shared/api';
import { serverMessageSchema } from '../shared/messages';
import { ManualTimers } from '../kernel/timers';
import { TestSocket, call, startTestScope } from './test-support';
import { startTestRig } from '../test-rig';
import type { Scope } from '../main';

type Property = { type: string; default: unknown; minimum?: number; maximum?: number; enum?: string[] };

/** Whether `value` fits one property of a parameter JSON Schema (the subset the server emits). */
function fits(value: unknown, p: Property): boolean {
  switch (p.type) {
    case 'integer':
      return Number.isInteger(value) && (value as number) >= p.minimum! && (value as number) <= p.maximum!;
    case 'number':
      return typeof value === 'number' && value >= p.minimum! && value <= p.maximum!;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' && (!p.enum || p.enum.includes(value));
    default:
      return false;
  }
}

describe('shapes of the API with the real neural-field', () => {
  let rig: Awaited<ReturnType<typeof startTestRig>>;
  beforeAll(async () => {
    rig = await startTestRig({ pipelines: builtinPipelines, pipeline: 'neural-field' });
  });
  afterAll(() => rig.stop());

  it('GET /health', async () => {
    const res = await rig.request('/health');
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({
      ok: true,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      pipeline: 'neural-field',
      state: 'ready',
      live: true,
      ready: true,
      waiting: [],
    });
  });

  it('GET /api/v1/pipelines: every built-in, each with a JSON Schema of its parameters', async () => {
    const { status, body } = await rig.call('/api/v1/pipelines');
    expect(status).toBe(200);
    expect(body.map((p: { id: string }) => p.id)).toEqual([
      'neural-field',
      'test-pattern',
      'passthrough',
      'streamdiffusion',
      'longlive',
      'streamdiffusionv2',
    ]);
    expect(body.filter((p: { active: boolean }) => p.active).map((p: { id: string }) => p.id)).toEqual([
      'neural-field',
    ]);
    for (const [i, p] of body.entries()) {
      expect(p).toMatchObject({ name: expect.any(String), description: expect.any(String) });
      expect(p.schema).toMatchObject({ type: 'object', additionalProperties: false });
      const names = Object.keys(p.schema.properties);
      // A pipeline that takes the video input also gets the pre-processor chain's parameters, before its own.
      const chain = takesInput(builtinPipelines[i]!) ? Object.keys(preprocessParams()) : [];
      expect(names).toEqual([
        'width',
        'height',
        'interpolate',
        'pipelineDepth',
        ...chain,
        ...Object.keys(builtinPipelines[i]!.params),
      ]);
      expect(p.schema.properties.interpolate).toMatchObject({ type: 'integer', minimum: 1, maximum: 4, default: 1 });
      for (const side of ['width', 'height']) {
        expect(p.schema.properties[side]).toMatchObject({
          type: 'integer',
          minimum: 64,
          maximum: 2048,
          default: 64,
          'x-scope': { mode: 'load' },
        });
      }
      for (const name of names) expect(fits(p.schema.properties[name].default, p.schema.properties[name])).toBe(true);
    }
    const nf = body[0].schema.properties;
    expect(nf.palette).toMatchObject({ type: 'string', enum: expect.arrayContaining(['oil', 'fire', 'neon']) });
    expect(nf.seed['x-scope']).toMatchObject({ mode: 'load' });
    expect(nf.hue['x-scope']).toMatchObject({ mode: 'runtime' });
  });

  it('GET /api/v1/pipeline/status', async () => {
    const { body } = await rig.call('/api/v1/pipeline/status');
    expect(pipelineStatusSchema.parse(body)).toEqual(body);
    expect(body).toMatchObject({ state: 'ready', pipelineId: 'neural-field', error: null, retryInMs: null });
    expect(Number.isNaN(Date.parse(body.loadedAt))).toBe(false);
    expect(body.executionProvider).toEqual(expect.any(String));
  });

  it('GET /api/v1/parameters: a value for every property, each fitting its schema', async () => {
    const { body } = await rig.call('/api/v1/parameters');
    expect(body.pipeline).toBe('neural-field');
    expect(Object.keys(body.values)).toEqual(Object.keys(body.schema.properties));
    for (const [name, value] of Object.entries(body.values))
      expect(fits(value, body.schema.properties[name])).toBe(true);
    expect(body.values).toMatchObject({ width: 64, height: 64, palette: 'oil', zoom: 1 });
  });

  it('GET /api/v1/stats: frames counted at about the target rate', async () => {
    const first = (await rig.call('/api/v1/stats')).body;
    expect(statsSchema.parse(first)).toEqual(first);
    await rig.frames(30); // one second on the clock
    const second = (await rig.call('/api/v1/stats')).body;
    expect(second).toMatchObject({ targetFps: 30, state: 'ready', paused: false, clients: { ws: 0, mjpeg: 0 } });
    expect(second.frames - first.frames).toBeGreaterThan(10);
    expect(second.fps).toBeGreaterThan(10);
    expect(second.fps).toBeLessThanOrEqual(31);
  });

  it.each([
    ['PATCH', '/api/v1/parameters', '{"zoom": "far"}', 400],
    ['PATCH', '/api/v1/parameters', 'zoom=2', 400],
    ['PUT', '/api/v1/parameters/nope', '{"value": 1}', 404],
    ['POST', '/api/v1/pipeline/load', '{"pipeline_id": "nope"}', 404],
    ['GET', '/api/v1/frame?quality=0', undefined, 400],
    ['GET', '/api/v1/stream.mjpeg?fps=-1', undefined, 400],
    ['GET', '/api/v1/nothing', undefined, 404],
  ])('%s %s %s: %i with the one error shape', async (method, path, raw, status) => {
    const res = await rig.request(path, { method, body: raw });
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(errorBodySchema.parse(body)).toEqual(body);
  });
});

describe('a WebSocket session with the real neural-field', () => {
  let scope: Scope;
  const timers = new ManualTimers();
  let url: string;
  const sockets: TestSocket[] = [];
  const open = async () => {
    const s = await TestSocket.open(url);
    sockets.push(s);
    return s;
  };
  const values = async () => (await call(`${url}/api/v1/parameters`)).body.values;

  beforeAll(async () => {
    scope = await startTestScope({ pipelines: builtinPipelines, pipeline: 'neural-field', timers });
    url = scope.url;
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await scope.stop();
  });

  it('hello, set, errors, stats and load: each message as the shared schema says', async () => {
    const a = await open();
    const b = await open();
    const hello = await a.take('hello');
    expect(hello).toMatchObject({ pipeline: 'neural-field', status: { state: 'ready' }, values: { hue: 0 } });
    expect(Object.keys(hello.values)).toEqual(Object.keys((hello.schema as { properties: object }).properties));
    await b.take('hello');

    // Set: the sender's ack has the applied (clamped) values; the other client hears of it, the sender does not.
    a.send({ type: 'set', params: { hue: 999, palette: 'fire' }, id: 'one' });
    expect(await a.take('ack')).toEqual({ type: 'ack', id: 'one', values: { hue: 180, palette: 'fire' } });
    expect(await b.take('params')).toMatchObject({ values: { hue: 180, palette: 'fire' } });
    expect(await values()).toMatchObject({ hue: 180, palette: 'fire' });

    // Rejections: an error to the sender only, nothing changed.
    const before = await values();
    for (const [msg, code] of [
      ['{"type": "set", "params": {"hue": 1}', 'bad_json'],
      [{ type: 'jump', id: 2 }, 'invalid_message'],
      [{ type: 'set', params: { hue: 'red' }, id: 3 }, 'invalid_parameters'],
      [{ type: 'set', params: { hue: 10, palette: 'plaid' }, id: 4 }, 'invalid_parameters'],
    ] as const) {
      a.send(msg);
      expect((await a.take('error')).error.code).toBe(code);
    }
    expect(await values()).toEqual(before);

    // Stats four times a second, to everyone.
    timers.advance(1000);
    await Promise.all([a.sync(), b.sync()]);
    expect(a.queued('stats')).toHaveLength(4);
    expect(b.queued('stats')).toHaveLength(4);

    a.send({ type: 'load', pipeline_id: 'test-pattern', id: 'L' });
    await b.take('pipeline', (m) => m.pipeline === 'test-pattern');
    await b.take('state', (m) => m.status.state === 'ready' && m.status.pipelineId === 'test-pattern');
    await a.take('state', (m) => m.status.state === 'ready' && m.status.pipelineId === 'test-pattern');

    await Promise.all([a.sync(), b.sync()]);
    for (const s of [a, b]) for (const m of s.messages) expect(serverMessageSchema.parse(m)).toEqual(m);
    expect(a.queued('params')).toEqual([]);
    expect(b.queued('ack')).toEqual([]);
    expect(b.queued('error')).toEqual([]);
  });
});
