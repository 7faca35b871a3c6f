import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { call, startTestScope, waitFor } from './server/test-support';
import { UdpClient, encode } from '../control/osc/test-support';
import type { Scope } from './main';
import { solidPipeline } from './engine/test-support';
import type { Frame } from './engine/frame';
import { whipPublisher, type TestPublisher } from '../inputs/whip/test-publisher';

const run = promisify(execFile);
let dir: string;
let scope: (Scope & { logs: string[] }) | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perform-server-'));
});
afterEach(async () => {
  await scope?.stop();
  scope = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('the perform layer in the server', () => {
  it('OSC, HTTP and the WebSocket reach tempo, quantise and cues; a recording comes out as MP4', async () => {
    scope = await startTestScope({
      pipeline: 'test-pattern',
      oscPort: 0,
      oscQueryPort: null,
      midi: false,
      configDir: dir,
    });
    const api = `${scope.url}/api/v1`;
    const udp = await UdpClient.open();
    await udp.send(encode('/scope/tempo/bpm', [{ type: 'f', value: 140 }]), scope.osc!.port);
    await udp.send(encode('/scope/quantize/ws', ['bar']), scope.osc!.port);
    await waitFor(async () => (await call(`${api}/tempo`)).body.quantize.ws === 'bar', 5000, 'OSC tempo commands');
    expect((await call(`${api}/tempo`)).body).toMatchObject({ bpm: 140, source: 'osc', link: { available: true } });
    await udp.close();

    // A WebSocket set on the ws surface waits for the bar; its ack names the beat.
    const ws = new WebSocket(`${scope.url.replace('http', 'ws')}/ws`);
    const acks: { scheduled?: number }[] = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { type: string; id?: number; scheduled?: number };
      if (msg.type === 'ack' && msg.id === 1) acks.push(msg);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'set', params: { speed: 1.5 }, id: 1 }));
    await waitFor(() => acks.length === 1, 5000, 'the ack');
    expect(acks[0]!.scheduled! % 4).toBe(0);
    await waitFor(() => scope!.services.params.get('speed') === 1.5, 5000, 'the bar');
    ws.close();

    // HTTP PATCH with an explicit quantize, and a cue over HTTP and the command route.
    const patched = await call(`${api}/parameters?quantize=beat`, { method: 'PATCH', body: { speed: -1 } });
    expect(patched).toMatchObject({ status: 200, body: { values: { speed: -1 }, scheduled: expect.any(Number) } });
    expect(await call(`${api}/parameters?quantize=often`, { method: 'PATCH', body: { speed: 0 } })).toMatchObject({
      status: 400,
    });
    await call(`${api}/cues/slow`, { method: 'PUT', body: { values: { speed: 0.25 } } });
    expect(await call(`${api}/commands/cue/go`, { method: 'POST' })).toMatchObject({ status: 200 });
    await waitFor(() => scope!.services.params.get('speed') === 0.25, 5000, 'the cue');

    // Recording: frames from the loop into an MP4 that ffprobe reads back.
    expect(await call(`${api}/recording/start`, { method: 'POST' })).toMatchObject({
      status: 200,
      body: { recording: true },
    });
    let seen = 0;
    const off = scope.services.engine.onFrame(() => seen++);
    await waitFor(() => seen >= 20, 10_000, '20 frames');
    off();
    const stopped = await call(`${api}/recording/stop`, { method: 'POST' });
    expect(stopped.body).toMatchObject({ recording: false, dropped: 0 });
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,nb_read_frames',
      '-of',
      'csv=p=0',
      stopped.body.file,
    ]);
    expect(stdout.trim()).toBe(`h264,${stopped.body.frames}`);
    expect(stopped.body.frames).toBeGreaterThanOrEqual(20);
  });

  it('turning audio input on without an ffmpeg to run is refused with the reason, and nothing listens', async () => {
    scope = await startTestScope({
      pipeline: 'test-pattern',
      oscPort: null,
      oscQueryPort: null,
      midi: false,
      configDir: dir,
    });
    vi.stubEnv('FFMPEG_PATH', 'bin/ffmpeg');
    try {
      const answer = await call(`${scope.url}/api/v1/commands/audio/input`, { method: 'POST', body: { value: true } });
      expect(answer.status).toBe(409);
      expect(answer.body.error.message).toContain('FFMPEG_PATH must be an absolute path, got "bin/ffmpeg"');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("a WHIP publisher's microphone drives the audio meters: silence reads nothing, a low tone reads low", async () => {
    scope = await startTestScope({ pipeline: 'test-pattern', oscQueryPort: null, midi: false, configDir: dir });
    const audio = async () =>
      (await call(`${scope!.url}/api/v1/audio`)).body as { level: number; low: number; high: number };
    const publishers: TestPublisher[] = [];
    try {
      // Silence for a while (the meters have had half a second of it): every band stays at the floor.
      const quiet = await whipPublisher(`${scope.url}/whip`, { audio: true, toneHz: 0 });
      publishers.push(quiet);
      await waitFor(() => quiet.sent >= 15, 10_000, 'half a second of silence');
      expect((await audio()).level).toBeLessThan(0.05);

      // A 100 Hz tone from a new publisher (it takes the slot over): the level rises, and it is all low band.
      publishers.push(await whipPublisher(`${scope.url}/whip`, { audio: true, toneHz: 100 }));
      await waitFor(async () => (await audio()).level > 0.5, 10_000, 'the tone to be heard');
      const heard = await audio();
      expect(heard.low).toBeGreaterThan(0.5);
      expect(heard.low).toBeGreaterThan(heard.high + 0.3);
    } finally {
      for (const p of publishers) await p.close();
    }
  });

  it('the A/B fader mixes a warm pipeline (A) with the active one (B) over HTTP and OSC, until the next load', async () => {
    scope = await startTestScope({
      pipelines: [solidPipeline('a'), solidPipeline('b')],
      pipeline: null,
      width: 32,
      height: 32,
      oscQueryPort: null,
      midi: false,
      configDir: dir,
    });
    const api = `${scope.url}/api/v1`;
    let latest: Frame | undefined;
    scope.services.engine.onFrame((f) => (latest = f));
    const load = (id: string, level: number) =>
      call(`${api}/pipeline/load?wait=true`, { method: 'POST', body: { pipeline_id: id, params: { level } } });
    expect((await load('a', 0)).status).toBe(200);
    expect((await load('b', 200)).status).toBe(200);

    // B is the active one: it cannot be A too; an unknown one is not warm.
    const self = await call(`${api}/crossfade`, { method: 'PUT', body: { pipeline: 'b' } });
    expect(self).toMatchObject({ status: 409, body: { error: { message: expect.stringMatching(/active pipeline/) } } });
    const xfade = (x: number) => call(`${api}/parameters`, { method: 'PATCH', body: { xfade: x } });
    await xfade(0);
    const held = await call(`${api}/crossfade`, { method: 'PUT', body: { pipeline: 'a' } });
    expect(held).toMatchObject({ status: 200, body: { pipeline: 'a' } });
    const red = () => latest?.data[0];
    await waitFor(() => red() === 0, 5000, "all of a (red 0) at the fader's 0");
    await xfade(0.5);
    await waitFor(() => Math.abs(red()! - 100) <= 1, 5000, 'half and half at 0.5');

    // OSC ends the mix: all of b again.
    const udp = await UdpClient.open();
    await udp.send(encode('/scope/xfade/pipeline', ['none']), scope.osc!.port);
    await waitFor(() => red() === 200, 5000, 'b alone once the mix ended');
    await udp.close();
    expect((await call(`${api}/crossfade`)).body).toMatchObject({ pipeline: null });

    // A load ends a mix as well.
    expect((await call(`${api}/crossfade`, { method: 'PUT', body: { pipeline: 'a' } })).status).toBe(200);
    expect((await load('a', 0)).status).toBe(200);
    expect((await call(`${api}/crossfade`)).body).toMatchObject({ pipeline: null });
  });
});
