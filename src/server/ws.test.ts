import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { solidPipeline } from '../engine/test-support';
import { serverMessageSchema } from '../shared/messages';
import { ManualTimers } from '../kernel/timers';
import { TestSocket, call, startTestScope } from './test-support';
import type { Scope } from '../main';

describe('WebSocket /ws', () => {
  let scope: Scope;
  const timers = new ManualTimers();
  const sockets: TestSocket[] = [];
  const open = async () => {
    const s = await TestSocket.open(scope.url);
    sockets.push(s);
    await s.take('hello');
    return s;
  };
  const values = async () => (await call(`${scope.url}/api/v1/parameters`)).body.values;

  beforeAll(async () => {
    scope = await startTestScope({
      pipelines: [solidPipeline('solid'), solidPipeline('other'), solidPipeline('broken', { failFrom: 2 })],
      pipeline: 'solid',
      timers,
    });
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    scope.services.engine.setPaused(false);
    if (scope.services.host.activeId !== 'solid') await scope.services.host.load('solid');
    scope.services.params.set('level', 10, 'test');
  });
  afterAll(() => scope.stop());

  it('says hello with everything a panel needs', async () => {
    const s = await TestSocket.open(scope.url);
    sockets.push(s);
    const hello = await s.take('hello');
    expect(serverMessageSchema.parse(hello)).toEqual(hello);
    expect(hello).toMatchObject({
      version: scope.services.version,
      pipeline: 'solid',
      values: { width: 64, height: 64, level: 10, seed: 1 },
      status: { state: 'ready', pipelineId: 'solid' },
      stats: { targetFps: 30, clients: { ws: 1 } },
    });
    // The pipeline's parameters, then the perform controls every pipeline shares.
    expect(Object.keys((hello.schema as { properties: object }).properties)).toEqual([
      'width',
      'height',
      'interpolate',
      'pipelineDepth',
      'level',
      'seed',
      ...['xfade', 'tempo.tap', 'cue.go', 'cue.previous'],
    ]);
  });

  it('set: ack to the sender, params to the others, never echoed back', async () => {
    const a = await open();
    const b = await open();
    a.send({ type: 'set', params: { level: 999, seed: 2 }, id: 'r1' });
    const ack = await a.take('ack');
    expect(ack).toEqual({ type: 'ack', id: 'r1', values: { level: 255, seed: 2 } });
    const change = await b.take('params');
    expect(change.values).toEqual({ level: 255, seed: 2 });
    expect(change.source).toMatch(/^ws:\d+$/);
    await a.sync();
    expect(a.queued('params')).toEqual([]);
    // Without an id there is no ack, and the others still hear of it.
    a.send({ type: 'set', params: { level: 7 } });
    expect((await b.take('params')).values).toEqual({ level: 7 });
    expect(a.queued('ack')).toEqual([]);
  });

  it('tells every socket of changes from other surfaces', async () => {
    const a = await open();
    const b = await open();
    await call(`${scope.url}/api/v1/parameters`, { method: 'PATCH', body: { level: 42 } });
    for (const s of [a, b])
      expect(await s.take('params')).toEqual({ type: 'params', values: { level: 42 }, source: 'http' });
  });

  it.each([
    ['bad JSON', '{"type": "set"', 'bad_json', undefined],
    ['an unknown type', { type: 'dance', id: 5 }, 'invalid_message', 5],
    ['a set without params', { type: 'set', id: 'x' }, 'invalid_message', 'x'],
    ['an unknown parameter', { type: 'set', params: { level: 20, nope: 1 }, id: 6 }, 'invalid_parameters', 6],
    ['a wrong type', { type: 'set', params: { level: 20, seed: 'many' }, id: 7 }, 'invalid_parameters', 7],
    ['a hex number in text', { type: 'set', params: { level: '0x10' }, id: 10 }, 'invalid_parameters', 10],
    ['a padded number in text', { type: 'set', params: { level: ' 2 ' }, id: 11 }, 'invalid_parameters', 11],
    ['a boolean for a number', { type: 'set', params: { level: true }, id: 12 }, 'invalid_parameters', 12],
    [
      'a fade that is not a number',
      { type: 'load', pipeline_id: 'other', fade_ms: '500', id: 13 },
      'invalid_message',
      13,
    ],
    ['an unknown pipeline', { type: 'load', pipeline_id: 'nope', id: 8 }, 'unknown_pipeline', 8],
    ['bad load params', { type: 'load', pipeline_id: 'other', params: { level: 'x' }, id: 9 }, 'invalid_parameters', 9],
    ['a pause without a boolean', { type: 'pause', paused: 'yes' }, 'invalid_message', undefined],
  ])('%s gets an error and changes nothing', async (_what, msg, code, id) => {
    const a = await open();
    const b = await open();
    const before = await values();
    a.send(msg);
    const error = await a.take('error');
    expect(error.error.code).toBe(code);
    expect(error.id).toBe(id);
    await b.sync();
    expect(await values()).toEqual(before);
    expect(scope.services.host.activeId).toBe('solid');
    expect(scope.services.engine.isPaused).toBe(false);
    expect(b.queued('params')).toEqual([]);
    expect(b.queued('pipeline')).toEqual([]);
  });

  it('binary messages are refused', async () => {
    const a = await open();
    a.ws.send(Buffer.from([1, 2, 3]));
    expect((await a.take('error')).error.code).toBe('invalid_message');
  });

  it('load: ack, then the new parameter set and state messages up to ready', async () => {
    const a = await open();
    const b = await open();
    a.send({ type: 'load', pipeline_id: 'other', params: { level: 77 }, id: 'L' });
    const ack = await a.take('ack');
    expect(ack.status).toMatchObject({ pipelineId: 'other' });
    for (const s of [a, b]) {
      const pipeline = await s.take('pipeline');
      expect(pipeline).toMatchObject({ pipeline: 'other', values: { level: 77 } });
      expect((await s.take('state', (m) => m.status.state === 'loading')).status.pipelineId).toBe('other');
      await s.take('state', (m) => m.status.state === 'ready' && m.status.pipelineId === 'other');
    }
  });

  it('state carries render errors', async () => {
    const a = await open();
    a.send({ type: 'load', pipeline_id: 'broken' });
    const failed = await a.take('state', (m) => m.status.state === 'error');
    expect(failed.status.error).toMatchObject({ during: 'render' });
  });

  it('pause and stats four times a second', async () => {
    const a = await open();
    a.send({ type: 'pause', paused: true, id: 1 });
    expect(await a.take('ack')).toEqual({ type: 'ack', id: 1, paused: true });
    expect(scope.services.engine.isPaused).toBe(true);
    a.messages.length = 0;
    timers.advance(1000);
    await a.sync();
    const stats = a.queued('stats');
    expect(stats).toHaveLength(4);
    expect(stats.at(-1)!.stats).toMatchObject({ paused: true, clients: { ws: 1 } });
    a.send({ type: 'pause', paused: false, id: 2 });
    expect(await a.take('ack', (m) => m.id === 2)).toEqual({ type: 'ack', id: 2, paused: false });
    expect(scope.services.engine.isPaused).toBe(false);
  });

  it('drops a socket that stops answering pings, and keeps the ones that answer', async () => {
    const live = await open();
    const dead = new WebSocket(`${scope.url.replace(/^http/, 'ws')}/ws`, { autoPong: false });
    const closed = new Promise<void>((resolve) => dead.once('close', () => resolve()));
    await new Promise((resolve) => dead.once('message', resolve));
    expect((await call(`${scope.url}/api/v1/stats`)).body.clients.ws).toBe(2);
    timers.advance(15_000);
    // The live socket answers the ping before it sends the second sync, so the server has its pong after that.
    await live.sync();
    await live.sync();
    timers.advance(15_000);
    await closed;
    await live.sync();
    expect((await call(`${scope.url}/api/v1/stats`)).body.clients.ws).toBe(1);
  });

  it('does not upgrade other paths', async () => {
    await expect(TestSocket.open(`${scope.url}/api`)).rejects.toThrow(); // asks for /api/ws
    const foreign = new WebSocket(`${scope.url.replace('http', 'ws')}/ws`, { origin: 'https://evil.example' });
    await expect(new Promise((resolve, reject) => foreign.on('open', resolve).on('error', reject))).rejects.toThrow(
      /403/,
    );
    expect((await call(`${scope.url}/health`)).status).toBe(200);
  });
});

describe('WebSocket on stop', () => {
  it('closes clients with 1001', async () => {
    const scope = await startTestScope({ pipelines: [solidPipeline('solid')], pipeline: 'solid' });
    const s = await TestSocket.open(scope.url);
    const code = new Promise<number>((resolve) => s.ws.once('close', (c) => resolve(c)));
    await scope.stop();
    expect(await code).toBe(1001);
  });
});
