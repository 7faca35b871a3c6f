import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../engine/clock';
import { solidPipeline } from '../engine/test-support';
import { TestSocket, call, isJpeg, noisePipeline, socketRig, startTestScope, waitFor } from './test-support';
import { MjpegClient, grab, grabUntil, meanRgb, near, stalledClient, streamFrames } from './test-helpers';
import type { Socket } from 'node:net';
import type { Scope } from '../main';
import type { Rig } from './test-support';

const MJPEG = '/api/v1/stream.mjpeg';

/** Releases frames until `done` holds (checked after a round trip on `ws`, when one is given), at most `limit`. */
async function framesUntil(rig: Rig, done: () => boolean, ws?: TestSocket, limit = 600): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await ws?.sync();
    if (done()) return;
    await rig.frames(1);
  }
  throw new Error(`not done after ${limit} frames`);
}

describe('a pipeline that throws while rendering', () => {
  let scope: Scope;
  let url: string;
  let rig: Rig;
  const status = async () => (await call(`${url}/api/v1/pipeline/status`)).body;

  beforeAll(async () => {
    // Renders 1-3 work, then every render throws; the host backs off (on the clock), reloads after 3 failures.
    const bad = solidPipeline('bad', { failFrom: 3 });
    const blip = solidPipeline('blip', { failFrom: 3, failUntil: 4 });
    const clock = new ManualClock();
    scope = await startTestScope({ pipelines: [bad, blip], pipeline: 'bad', clock });
    url = scope.url;
    rig = socketRig(scope, clock);
  });
  afterAll(() => scope.stop());

  it('keeps the MJPEG stream flowing while the status shows the error; the server stays up', async () => {
    const errors: { message: string; during: string }[] = [];
    const client = await MjpegClient.open(`${url}${MJPEG}`);
    // 1.5 s of frames: one part out per frame while the renders fail and the host backs off.
    const parts = await streamFrames(rig, client, 45, async () => {
      const s = await status();
      if (s.state === 'error') errors.push(s.error);
      expect((await call(`${url}/health`)).status).toBe(200);
    });
    expect(client.ended).toBe(false);
    await client.close();
    // The failing renders must not stall the stream.
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
    // Every part is a frame the engine published (the first one was out before the client came).
    expect(stats.frames).toBeGreaterThanOrEqual(parts.length);
  });

  it('still takes parameters, and the next good render shows them', async () => {
    const r = await call(`${url}/api/v1/parameters`, { method: 'PATCH', body: { level: 222 } });
    expect(r).toEqual({ status: 200, body: { pipeline: 'bad', values: { level: 222 } } });
    // The reload after three failures gives three good renders again.
    await grabUntil(rig, (g) => near(meanRgb(g)[0], 222), 'a good render at level 222', 450);
  });

  it('tells WebSocket clients of the error in hello and state messages', async () => {
    const ws = await TestSocket.open(url);
    const hello = await ws.take('hello');
    expect(hello.status.pipelineId).toBe('bad');
    await framesUntil(rig, () => ws.queued('state').some((m) => m.status.state === 'error'), ws);
    const failed = await ws.take('state', (m) => m.status.state === 'error');
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
    await framesUntil(rig, () => seen().includes('error') && seen().lastIndexOf('ready') > seen().indexOf('error'), ws);
    const failed = states().find((m) => m.status.state === 'error')!;
    expect(failed.status.error).toMatchObject({ during: 'render', message: 'render 4 failed on purpose' });
    await ws.close();
    expect(await status()).toMatchObject({ state: 'ready', pipelineId: 'blip', error: null });
    const client = await MjpegClient.open(`${url}${MJPEG}`);
    const parts = await streamFrames(rig, client, 15);
    await client.close();
    expect(parts.length).toBeGreaterThan(3);
  });
});

describe('an MJPEG client that never reads', () => {
  let scope: Scope;
  let url: string;
  let rig: Rig;
  const stalled: Socket[] = [];

  beforeAll(async () => {
    // Noise does not compress: each part is large, so the stalled socket's buffers fill within a few frames.
    const clock = new ManualClock();
    scope = await startTestScope({ pipelines: [noisePipeline()], pipeline: 'noise', width: 256, height: 256, clock });
    url = scope.url;
    rig = socketRig(scope, clock);
  });
  afterEach(() => {
    for (const s of stalled.splice(0)) s.destroy();
  });
  afterAll(() => scope.stop());

  it('does not stall the loop, and another client still gets its parts', async () => {
    stalled.push(await stalledClient(url), await stalledClient(url));
    await waitFor(async () => (await call(`${url}/api/v1/stats`)).body.clients.mjpeg === 2, 5000, 'two clients');
    // Their buffers fill up: half a second of frames, each encoded (the encoder is shared) before the next.
    for (let i = 0; i < 15; i++) {
      await rig.frames(1);
      await grab(rig);
    }

    const engine = scope.services.engine;
    const before = engine.getStats().frames;
    const client = await MjpegClient.open(`${url}${MJPEG}`);
    // Two seconds of frames: each one is published (a stalled loop would never get there) and goes out.
    const parts = await streamFrames(rig, client, 60);
    await client.close();
    const seqs = parts.map((p) => p.seq);
    const published = engine.getStats().frames - before;
    expect(published).toBe(60);
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
