import { createServer } from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { solidPipeline } from '../engine/test-support';
import { startScope } from '../main';
import { MultipartParser, TestSocket, call, settles, startTestScope, waitFor } from './test-support';
import { grab, stalledClient } from './test-helpers';
import type { Server } from 'node:net';
import type { Scope } from '../main';

const solid = () => solidPipeline('solid');
const quiet = { log: () => {} };

describe('stop()', () => {
  it('ends every open stream and socket, then nothing answers on the port', async () => {
    const scope = await startTestScope({ pipelines: [solid()], pipeline: 'solid' });
    const { url } = scope;
    // A reading MJPEG client, a WebSocket client and an MJPEG client that never reads.
    const res = await fetch(`${url}/api/v1/stream.mjpeg`);
    const reader = res.body!.getReader();
    const parser = new MultipartParser('scopeframe');
    let parts = 0;
    const streamEnded = (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (chunk.done) return true;
        parts += parser.push(chunk.value).length;
      }
    })();
    const ws = await TestSocket.open(url);
    await ws.take('hello');
    const wsClosed = new Promise<number>((resolve) => ws.ws.once('close', (code) => resolve(code)));
    const stalled = await stalledClient(url);
    const stalledClosed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
    // The reading client is streaming before the stop (the first part comes with the loop's next frame; stopping
    // before it arrived left a stream that had sent nothing, which the full suite once saw).
    await waitFor(
      () => parts > 0,
      10_000,
      'the first MJPEG part',
      () => `${parts} parts read`,
    );

    const t0 = performance.now();
    await scope.stop();
    // Generous: a grace period for the open responses, then their sockets are cut.
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(await settles(streamEnded, 10_000, 'the open MJPEG stream to end', () => `${parts} parts read`)).toBe(true);
    expect(parts).toBeGreaterThan(0);
    expect(await settles(wsClosed, 10_000, 'the WebSocket to close')).toBe(1001);
    stalled.resume(); // let the stalled client read up to the end of its stream
    await settles(stalledClosed, 10_000, 'the stalled MJPEG client to be closed');

    await expect(fetch(`${url}/health`)).rejects.toThrow();
    const late = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    await expect(new Promise((resolve, reject) => late.once('open', resolve).once('error', reject))).rejects.toThrow();
    await scope.stop(); // a second stop is harmless
  });

  it('frees the port: a new server can start on it', async () => {
    const first = await startTestScope({ pipelines: [solid()], pipeline: 'solid' });
    const port = first.port;
    await first.stop();
    const second = await startTestScope({ pipelines: [solid()], pipeline: 'solid', port });
    try {
      expect(second.port).toBe(port);
      expect((await call(`${second.url}/health`)).body).toMatchObject({ ok: true, pipeline: 'solid' });
    } finally {
      await second.stop();
    }
  });
});

describe('a port in use', () => {
  let scope: Scope;
  let other: Server;
  beforeAll(async () => {
    scope = await startTestScope({ pipelines: [solid()], pipeline: 'solid' });
    other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await scope.stop();
    await new Promise((resolve) => other.close(resolve));
  });

  it.each([
    ['another scope', () => scope.port],
    ['another program', () => (other.address() as { port: number }).port],
  ])('held by %s: start rejects with "already in use"', async (_what, port) => {
    const p = port();
    await expect(startScope({ ...quiet, port: p, pipelines: [solid()], pipeline: 'solid' })).rejects.toThrow(
      `Port ${p} already in use`,
    );
    expect((await call(`${scope.url}/health`)).status).toBe(200);
  });
});

describe('starting', () => {
  const scopes: Scope[] = [];
  afterEach(async () => {
    await Promise.all(scopes.splice(0).map((s) => s.stop()));
  });

  it('rejects an unknown pipeline with the known ids', async () => {
    await expect(startScope({ ...quiet, port: 0, pipelines: [solid()], pipeline: 'nope' })).rejects.toThrow(
      'unknown pipeline "nope"; known: solid',
    );
  });

  it('with no pipeline: idle, empty parameters, frames still served; a pipeline can be loaded', async () => {
    const scope = await startTestScope({ pipelines: [solid()], pipeline: null });
    scopes.push(scope);
    expect((await call(`${scope.url}/health`)).body).toMatchObject({ ok: true, pipeline: null, state: 'idle' });
    const params = (await call(`${scope.url}/api/v1/parameters`)).body;
    expect(params).toMatchObject({ pipeline: null, values: {} });
    const blank = await grab(scope.url);
    expect(blank.pipeline).toBe('none');
    expect(blank.pixels.every((v) => v < 8)).toBe(true); // black
    const r = await call(`${scope.url}/api/v1/pipeline/load?wait=true`, { body: { pipeline_id: 'solid' } });
    expect(r.body).toMatchObject({ state: 'ready', pipelineId: 'solid' });
  });
});

describe('routes and upgrades that do not exist', () => {
  let scope: Scope;
  beforeAll(async () => {
    scope = await startTestScope({ pipelines: [solid()], pipeline: 'solid' });
  });
  afterAll(() => scope.stop());

  it.each([
    ['GET', '/nope'],
    ['GET', '/api/v1/nope'],
    ['POST', '/api/v1/frame'],
    ['GET', '/api/v1/pipeline/load'],
    ['DELETE', '/api/v1/parameters'],
    ['GET', '/api/v2/parameters'],
  ])('%s %s is a 404 in the error shape', async (method, path) => {
    const res = await fetch(`${scope.url}${path}`, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: `no route for ${method} ${path}` } });
  });

  it.each(['/', '/wsx', '/ws/more', '/api/v1/stream.mjpeg', '/health'])(
    'a WebSocket upgrade of %s is refused; the server carries on',
    async (path) => {
      const ws = new WebSocket(`${scope.url.replace('http', 'ws')}${path}`);
      const outcome = await new Promise<string>((resolve) => {
        ws.once('open', () => resolve('open'));
        ws.once('error', () => resolve('refused'));
      });
      expect(outcome).toBe('refused');
      expect((await call(`${scope.url}/health`)).status).toBe(200);
    },
  );

  it('/ws with a query string is accepted', async () => {
    const ws = new WebSocket(`${scope.url.replace('http', 'ws')}/ws?panel=1`);
    const hello = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve(String(data)));
      ws.once('error', reject);
    });
    expect(JSON.parse(hello)).toMatchObject({ type: 'hello', pipeline: 'solid' });
    ws.close();
  });
});
