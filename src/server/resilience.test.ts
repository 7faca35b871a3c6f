import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { solidPipeline } from '../engine/test-support';
import { TestSocket, call, isJpeg, noisePipeline, sleep, startTestScope, waitFor } from './test-support';
import { grabUntil, meanRgb, near, readMjpegFor, stalledClient } from './test-helpers';
import type { Socket } from 'node:net';
import type { Scope } from '../main';

const MJPEG = '/api/v1/stream.mjpeg';

describe('a pipeline that throws while rendering', () => {
  let scope: Scope;
  let url: string;
  const status = async () => (await call(`${url}/api/v1/pipeline/status`)).body;

  beforeAll(async () => {
    // Renders 1-3 work, then every render throws; the host backs off, reloads after 3 failures, and so on.
    const bad = solidPipeline('bad', { failFrom: 3 });
    const blip = solidPipeline('blip', { failFrom: 3, failUntil: 4 });
    scope = await startTestScope({ pipelines: [bad, blip], pipeline: 'bad' });
    url = scope.url;
  });
  afterAll(() => scope.stop());

  it('keeps the MJPEG stream flowing while the status shows the error; the server stays up', async () => {
    const errors: { message: string; during: string }[] = [];
    const watching = (async () => {
      for (let i = 0; i < 15; i++) {
        const s = await status();
        if (s.state === 'error') errors.push(s.error);
        expect((await call(`${url}/health`)).status).toBe(200);
        await sleep(100);
      }
    })();
    const { parts, ended } = await readMjpegFor(`${url}${MJPEG}`, 1500);
    await watching;
    expect(ended).toBe(false);
    // 45 frames in 1.5 s at 30 fps; the failing renders must not stall the stream.
    expect(parts.length).toBeGreaterThan(10);
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.seq).toBeGreaterThan(parts[i - 1]!.seq);
    expect(parts.every((p) => isJpeg(p.data))).toBe(true);
    for (const p of [parts[0]!, parts.at(-1)!]) {
      expect(await sharp(p.data).metadata()).toMatchObject({ format: 'jpeg', width: 64, height: 64 });
    }
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ during: 'render', message: expect.stringContaining('failed on purpose') });
    const stats = (await call(`${url}/api/v1/stats`)).body;
    expect(stats.renderErrors).toBeGreaterThan(0);
    expect(stats.frames).toBeGreaterThan(parts.length);
  });

  it('still takes parameters, and the next good render shows them', async () => {
    const r = await call(`${url}/api/v1/parameters`, { method: 'PATCH', body: { level: 222 } });
    expect(r).toEqual({ status: 200, body: { pipeline: 'bad', values: { level: 222 } } });
    // The reload after three failures gives three good renders again.
    await grabUntil(url, (g) => near(meanRgb(g)[0], 222), 'a good render at level 222', 15_000);
  });

  it('tells WebSocket clients of the error in hello and state messages', async () => {
    const ws = await TestSocket.open(url);
    const hello = await ws.take('hello');
    expect(hello.status.pipelineId).toBe('bad');
    const failed = await ws.take('state', (m) => m.status.state === 'error', 10_000);
    expect(failed.status.error).toMatchObject({ during: 'render', message: expect.stringContaining('on purpose') });
    await ws.close();
  });

  it('a pipeline that fails once comes back: status returns to ready', async () => {
    // State messages are queued on the socket, so a short error is not missed between two polls.
    const ws = await TestSocket.open(url);
    await ws.take('hello');
    const r = await call(`${url}/api/v1/pipeline/load?wait=true`, { method: 'POST', body: { pipeline_id: 'blip' } });
    expect(r.body).toMatchObject({ state: 'ready', pipelineId: 'blip' });
    const states = () => ws.queued('state').filter((m) => m.status.pipelineId === 'blip');
    const seen = () => states().map((m) => m.status.state);
    await waitFor(
      () => seen().includes('error') && seen().lastIndexOf('ready') > seen().indexOf('error'),
      5000,
      'recovery',
    );
    const failed = states().find((m) => m.status.state === 'error')!;
    expect(failed.status.error).toMatchObject({ during: 'render', message: 'render 4 failed on purpose' });
    await ws.close();
    expect(await status()).toMatchObject({ state: 'ready', pipelineId: 'blip', error: null });
    const { parts } = await readMjpegFor(`${url}${MJPEG}`, 500);
    expect(parts.length).toBeGreaterThan(3);
  });
});

describe('an MJPEG client that never reads', () => {
  let scope: Scope;
  let url: string;
  const stalled: Socket[] = [];

  beforeAll(async () => {
    // Noise does not compress: each part is large, so the stalled socket's buffers fill within a few frames.
    scope = await startTestScope({ pipelines: [noisePipeline()], pipeline: 'noise', width: 256, height: 256 });
    url = scope.url;
  });
  afterEach(() => {
    for (const s of stalled.splice(0)) s.destroy();
  });
  afterAll(() => scope.stop());

  it('does not stall the loop, and another client still gets its parts', async () => {
    stalled.push(await stalledClient(url), await stalledClient(url));
    await waitFor(async () => (await call(`${url}/api/v1/stats`)).body.clients.mjpeg === 2, 5000, 'two clients');
    await sleep(500); // their buffers fill up

    const engine = scope.services.engine;
    const before = engine.getStats().frames;
    const t0 = performance.now();
    const seqs: number[] = [];
    const { parts } = await readMjpegFor(`${url}${MJPEG}`, 2000, (p) => seqs.push(p.seq));
    const seconds = (performance.now() - t0) / 1000;
    const published = engine.getStats().frames - before;
    // About 30 frames a second; generous for a shared two-core machine, yet far above a stalled loop.
    expect(published).toBeGreaterThan(seconds * 30 * 0.4);
    expect(parts.length).toBeGreaterThan(10);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    expect((await call(`${url}/health`)).status).toBe(200);
  });

  it('is forgotten once it goes away', async () => {
    const socket = await stalledClient(url);
    stalled.push(socket);
    await waitFor(async () => (await call(`${url}/api/v1/stats`)).body.clients.mjpeg === 1, 5000, 'the client');
    socket.destroy();
    await waitFor(async () => (await call(`${url}/api/v1/stats`)).body.clients.mjpeg === 0, 5000, 'no clients');
  });
});
