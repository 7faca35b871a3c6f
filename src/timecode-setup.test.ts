import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMidiBackend } from '../control/midi/test-backend';
import { quarterFrame } from '../control/timecode/mtc';
import { encodeLtc, noise, wavFile } from '../control/timecode/test-ltc-encoder';
import { ManualClock } from './engine/clock';
import { solidPipeline, tickFrames } from './engine/test-support';
import { startTestScope, waitFor } from './server/test-support';
import { timecodeOf, toFrames } from './perform';
import type { ScopeOptions } from './scope-options';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scope-timecode-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function server(options: Partial<ScopeOptions>) {
  const scope = await startTestScope({
    pipelines: [solidPipeline()],
    pipeline: 'solid',
    oscPort: null,
    oscQueryPort: null,
    ...options,
  });
  cleanup.push(() => scope.stop());
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${scope.url}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { scope, call };
}

describe('timecode in the server', () => {
  it('follows MTC from a MIDI input, fires a cue at its timecode, relays MTC out, and answers over HTTP', async () => {
    const dir = await tempDir();
    const backend = new FakeMidiBackend({ inputs: ['DAW', 'Desk'], outputs: ['DAW', 'Desk'] });
    const clock = new ManualClock();
    const opts: Partial<ScopeOptions> = {
      configDir: dir,
      midi: true,
      midiBackend: backend,
      timecode: 'mtc',
      mtcOut: ['Desk'],
      clock,
    };
    const { scope, call } = await server(opts);

    const badCue = await call('PUT', '/cues/hit', { values: { level: 200 }, timecode: '1:00:00:20' });
    expect(badCue.status).toBe(400);
    expect(JSON.stringify(badCue.body)).toContain('is not a timecode: expected hh:mm:ss:ff');
    expect((await call('PUT', '/cues/hit', { values: { level: 200 }, timecode: '01:00:00:20' })).status).toBe(200);

    // The DAW plays 01:00:00:00 at 25 fps for 24 frames: quarter frames every 10 ms.
    const start = toFrames(timecodeOf('01:00:00:00'), '25');
    for (let q = 0; q < 24 * 4; q++) {
      backend.inject('DAW', quarterFrame(start + 2 * Math.floor(q / 8), '25', q % 8));
      clock.advance(10);
    }
    const got = await call('GET', '/timecode');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      source: 'mtc',
      rate: '25',
      state: 'running',
      position: '01:00:00:24',
      lastCue: 'hit',
    });
    // The next frames rendered carry the cue's look (red = level).
    const frames = await tickFrames(scope.services.engine, clock, 2);
    expect(frames.at(-1)!.data[0]).toBe(200);
    // MTC out went to the desk, never back to the DAW it came from.
    expect(backend.take('Desk').some((m) => m[0] === 0xf1)).toBe(true);
    expect(backend.take('DAW')).toEqual([]);
    expect(got.body.mtcOut).toEqual(['Desk']);

    const bad = await call('PUT', '/timecode', { chase: { timelineStart: '25:00:00:00' } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
    expect(JSON.stringify(bad.body)).toContain('hours go from 00 to 23');
    // The generator's transport is a command too (OSC /scope/timecode/run), refused alike.
    expect(scope.services.commands.get('timecode/run')!.run(true)).toEqual({
      ok: false,
      reason: 'timecode follows MTC: locate and run the source instead',
    });
    const refused = await call('PUT', '/timecode', { running: true });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: { message: 'timecode follows MTC: locate and run the source instead' } },
    });
    const put = await call('PUT', '/timecode', { chase: { timeline: true, timelineStart: '01:00:00:00' } });
    expect(put.body).toMatchObject({ chase: { cues: true, timeline: true, timelineStart: '01:00:00:00' } });

    // The settings are kept: a restart reads them back.
    await scope.stop();
    cleanup.pop();
    const again = await server({ ...opts, midiBackend: new FakeMidiBackend(), clock: new ManualClock() });
    expect((await again.call('GET', '/timecode')).body).toMatchObject({
      chase: { timeline: true, timelineStart: '01:00:00:00' },
      state: 'stopped',
      position: null,
    });
  });

  it('decodes LTC from an audio file through the audio input path', async () => {
    const dir = await tempDir();
    const wav = join(dir, 'ltc.wav');
    const signal = encodeLtc({ start: '10:00:00:00', rate: '29.97df', frames: 60, noise: 0.01, level: 0.4 });
    await writeFile(wav, wavFile(signal, 48_000));
    const { call } = await server({
      configDir: dir,
      timecode: 'ltc',
      ltcIn: wav,
      ltcFormat: 'wav',
      midi: false,
      clock: new ManualClock(),
    });
    // ffmpeg reads the file as fast as it can; this waits for it to have been read, not for any time to pass.
    // (So its frames come in bursts, each dated as it arrives: how many jumps that makes is no test of anything.)
    await waitFor(async () => (await call('GET', '/timecode')).body.heard === 59, 20_000, 'the file decoded');
    // The last frame, 10:00:01;29, read as it ends: the position is the frame after it (no drop in minute 10).
    expect((await call('GET', '/timecode')).body).toMatchObject({
      source: 'ltc',
      rate: '29.97df',
      state: 'running',
      position: '10:00:02;00',
    });
  });

  it('takes LTC from one channel of a stereo input whose other channel is loud (the mix would bury it)', async () => {
    const dir = await tempDir();
    const wav = join(dir, 'stereo.wav');
    const ltc = encodeLtc({ start: '10:00:00:00', rate: '25', frames: 50, level: 0.4 });
    // Music-loud noise on the left, LTC on the right: mixed to mono, not one frame of it decodes.
    await writeFile(wav, wavFile([noise(ltc.length, 0.8), ltc], 48_000));
    const base = { configDir: dir, timecode: 'ltc', ltcIn: wav, ltcFormat: 'wav', midi: false } as const;
    const ended = 'LTC input: the audio source ended';

    const mixed = await server({ ...base, clock: new ManualClock() });
    // ffmpeg reads the file as fast as it can; this waits for it to end, not for any time to pass.
    await waitFor(async () => (await mixed.call('GET', '/timecode')).body.reason === ended, 20_000, 'the file read');
    expect((await mixed.call('GET', '/timecode')).body).toMatchObject({ heard: 0, position: null });
    await mixed.scope.stop();
    cleanup.pop();

    const { call } = await server({ ...base, ltcChannel: 2, clock: new ManualClock() });
    await waitFor(async () => (await call('GET', '/timecode')).body.heard === 49, 20_000, 'the right channel decoded');
    expect((await call('GET', '/timecode')).body).toMatchObject({ source: 'ltc', rate: '25', position: '10:00:02:00' });
  });

  it('says so when the channel asked for is not in the input', async () => {
    const dir = await tempDir();
    const wav = join(dir, 'stereo.wav');
    const ltc = encodeLtc({ start: '10:00:00:00', rate: '25', frames: 5 });
    await writeFile(wav, wavFile([ltc, ltc], 48_000));
    const { call } = await server({
      configDir: dir,
      timecode: 'ltc',
      ltcIn: wav,
      ltcFormat: 'wav',
      ltcChannel: 3,
      midi: false,
      clock: new ManualClock(),
    });
    const reason = `LTC input: wav ${wav}: there is no channel 3 in this input (its channels are stereo)`;
    await waitFor(
      async () => (await call('GET', '/timecode')).body.reason === reason,
      20_000,
      'the refusal',
      async () => (await call('GET', '/timecode')).body.reason,
    );
  });
});
