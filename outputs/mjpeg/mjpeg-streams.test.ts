import { get } from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinPipelines } from '../../pipelines/index';
import { ManualClock } from '../../src/engine/clock';
import { solidPipeline } from '../../src/engine/test-support';
import {
  MultipartParser,
  call,
  isJpeg,
  noisePipeline,
  readMjpeg,
  settles,
  socketRig,
  startTestScope,
  waitFor,
} from '../../src/server/test-support';
import { MjpegClient, streamFrames } from '../../src/server/test-helpers';
import type { IncomingMessage } from 'node:http';
import type { Scope } from '../../src/main';
import type { MjpegPart, Rig } from '../../src/server/test-support';

describe('MJPEG stream of neural-field', () => {
  let scope: Scope;
  beforeAll(async () => {
    scope = await startTestScope({ pipelines: builtinPipelines, pipeline: 'neural-field' });
  });
  afterAll(() => scope.stop());

  it('sends JPEG parts with Content-Type and Content-Length, seqs advancing', async () => {
    const { parts, type } = await readMjpeg(`${scope.url}/api/v1/stream.mjpeg`, 4);
    expect(type).toMatch(/^multipart\/x-mixed-replace; boundary=/);
    expect(parts).toHaveLength(4);
    for (const part of parts) {
      expect(part.headers['content-type']).toBe('image/jpeg');
      expect(Number(part.headers['content-length'])).toBe(part.data.length);
      expect(isJpeg(part.data)).toBe(true);
      expect(await sharp(part.data).metadata()).toMatchObject({ width: 64, height: 64 });
    }
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.seq).toBeGreaterThan(parts[i - 1]!.seq);
  });

  it('counts its clients in stats', async () => {
    const res = await fetch(`${scope.url}/api/v1/stream.mjpeg`);
    const reader = res.body!.getReader();
    await reader.read();
    expect((await call(`${scope.url}/api/v1/stats`)).body.clients.mjpeg).toBe(1);
    await reader.cancel();
    await waitFor(async () => (await call(`${scope.url}/api/v1/stats`)).body.clients.mjpeg === 0, 5000, 'no clients');
  });

  it('caps a client at ?fps=', async () => {
    const { parts } = await readMjpeg(`${scope.url}/api/v1/stream.mjpeg?fps=5`, 5);
    const gaps = parts.slice(1).map((p, i) => p.seq - parts[i]!.seq);
    // 30 fps engine, 5 fps client: about 6 frames apart; generous for a loaded machine.
    expect(gaps.reduce((a, b) => a + b, 0) / gaps.length).toBeGreaterThanOrEqual(3);
    expect((await call(`${scope.url}/api/v1/stream.mjpeg?fps=0`)).status).toBe(400);
  });
});

/** Releases frames until `done` holds, at most `limit` of them. */
async function framesUntil(rig: Rig, done: () => boolean | Promise<boolean>, limit = 300): Promise<void> {
  for (let i = 0; i < limit && !(await done()); i++) await rig.frames(1);
}

describe('MJPEG with a pipeline that throws', () => {
  let scope: Scope;
  let rig: Rig;
  beforeAll(async () => {
    const clock = new ManualClock();
    scope = await startTestScope({ pipelines: [solidPipeline('broken', { failFrom: 5 })], pipeline: 'broken', clock });
    rig = socketRig(scope, clock);
  });
  afterAll(() => scope.stop());

  it('keeps the stream flowing at the frame rate and shows the error in status', async () => {
    await framesUntil(rig, () => scope.services.host.status().state === 'error');
    expect(scope.services.host.status().state).toBe('error');
    // One second of frames while the host backs off (up to 5 s): a part for every frame, none waits the backoff out.
    const client = await MjpegClient.open(`${scope.url}/api/v1/stream.mjpeg`);
    const parts = (await streamFrames(rig, client, 30)).slice(-30);
    await client.close();
    expect(parts).toHaveLength(30);
    expect(parts.every((p) => isJpeg(p.data))).toBe(true);
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.seq).toBe(parts[i - 1]!.seq + 1);
    // Every third failure reloads the pipeline, which then renders a few good frames: release frames until the error.
    let status = (await call(`${scope.url}/api/v1/pipeline/status`)).body;
    await framesUntil(rig, async () => {
      status = (await call(`${scope.url}/api/v1/pipeline/status`)).body;
      return status.error !== null;
    });
    expect(status.error).toMatchObject({ during: 'render' });
    expect(status.error.message).toContain('failed on purpose');
    expect((await call(`${scope.url}/api/v1/stats`)).body.renderErrors).toBeGreaterThan(0);
  });
});

describe('MJPEG with a client that stops reading', () => {
  let scope: Scope;
  let rig: Rig;
  beforeAll(async () => {
    const clock = new ManualClock();
    scope = await startTestScope({ pipelines: [noisePipeline()], pipeline: 'noise', width: 512, height: 512, clock });
    rig = socketRig(scope, clock);
  });
  afterAll(() => scope.stop());

  it('does not slow the engine; the client skips frames', async () => {
    const parser = new MultipartParser('scopeframe');
    const parts: MjpegPart[] = [];
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${scope.url}/api/v1/stream.mjpeg`, resolve).on('error', reject),
    );
    res.on('data', (chunk: Buffer) => parts.push(...parser.push(chunk)));
    await framesUntil(rig, () => parts.length > 0);
    res.pause();

    const engine = scope.services.engine;
    const before = engine.getStats().frames;
    // Meanwhile another client is served at the engine's pace: a part for each frame.
    const other = await MjpegClient.open(`${scope.url}/api/v1/stream.mjpeg`);
    expect((await streamFrames(rig, other, 20)).length).toBeGreaterThanOrEqual(20);
    await other.close();
    // Three seconds of frames in all, every one published while the first client reads nothing.
    await rig.frames(70);
    expect(engine.getStats().frames - before).toBe(90);

    const stalledAt = parts.length;
    res.resume();
    // What the socket buffers held arrives now, then the client follows the frames again.
    await framesUntil(rig, () => parts.length >= stalledAt + 40, 600);
    res.destroy();
    // Whatever the socket buffers held comes first, then the newest frame: a jump in seq.
    const gaps = parts.slice(1).map((p, i) => p.seq - parts[i]!.seq);
    expect(Math.max(...gaps)).toBeGreaterThan(10);
    expect(gaps.every((g) => g > 0)).toBe(true);
  });
});

describe('stopping the server', () => {
  it('ends open MJPEG streams and closes', async () => {
    const scope = await startTestScope({ pipelines: [solidPipeline('solid')], pipeline: 'solid' });
    const res = await fetch(`${scope.url}/api/v1/stream.mjpeg`);
    const reader = res.body!.getReader();
    await reader.read();
    const ended = (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true as const }));
        if (chunk.done) return true;
      }
    })();
    await scope.stop();
    expect(await settles(ended, 10_000, 'the open MJPEG stream to end on stop')).toBe(true);
  });
});
