import { execFile } from 'node:child_process';
import { watch } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingOutput } from './recording-output';
import { addRecordingCommand, recordingRoutes } from './routes';
import { OutputHub } from '../hub';
import { ConversionCache } from '../convert';
import { withErrorAnswers } from '../../src/server/app';
import { CommandRegistry } from '../../src/kernel/commands';
import type { OutputContext, OutputFrame } from '../output';
import type { RecordingState } from '../../src/shared/perform';

const run = promisify(execFile);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recording-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const cache = new ConversionCache();
/** A frame whose grey level is its number, so consecutive frames differ. */
function frame(seq: number, width = 64, height = 48): OutputFrame {
  const data = new Uint8Array(width * height * 4).fill(seq % 256);
  return cache.wrap({ data, width, height, seq, timestamp: seq * 40, pipelineId: 'test', repeated: false });
}

/** Yields until ffmpeg has read what was written: frames arrive a frame interval apart in the loop, not at once. */
async function flushed(rec: RecordingOutput): Promise<void> {
  while (rec.queuedBytes() > 0) await new Promise((r) => setImmediate(r));
}

const ctx = (fps = 25): OutputContext => ({ log: () => {}, changed: () => {}, fps: () => fps });

async function probe(file: string) {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,nb_read_frames,width,height,r_frame_rate:format=duration',
    '-of',
    'json',
    file,
  ]);
  const json = JSON.parse(stdout) as {
    streams: { codec_name: string; nb_read_frames: string; width: number; height: number; r_frame_rate: string }[];
    format: { duration: string };
  };
  return {
    ...json.streams[0]!,
    frames: Number(json.streams[0]!.nb_read_frames),
    duration: Number(json.format.duration),
  };
}

describe('RecordingOutput', () => {
  it('writes H.264 MP4 whose frame count matches its duration at the target fps', async () => {
    const rec = new RecordingOutput('recording', { dir, now: () => new Date('2026-01-02T03:04:05Z') });
    expect(rec.availability()).toEqual({ available: true });
    await rec.start(ctx(25));
    for (let i = 0; i < 50; i++) {
      rec.accept(frame(i));
      await flushed(rec);
    }
    await rec.stop();
    const state = await rec.state();
    expect(state).toMatchObject({
      recording: false,
      frames: 50,
      dropped: 0,
      file: join(dir, 'scope-20260102-030405.mp4'),
    });
    const info = await probe(state.file!);
    expect(info).toMatchObject({ codec_name: 'h264', width: 64, height: 48, r_frame_rate: '25/1', frames: 50 });
    expect(info.duration).toBeCloseTo(2, 1);
    expect(state.files).toEqual([expect.objectContaining({ name: 'scope-20260102-030405.mp4' })]);
  });

  it('a recording whose encoder is killed mid-way still plays up to its last fragment', async () => {
    const rec = new RecordingOutput('recording', { dir });
    await rec.start(ctx(25));
    for (let i = 0; i < 100; i++) {
      rec.accept(frame(i));
      await flushed(rec);
    }
    const { file } = await rec.state();
    // Wait on the encoder's writes (the file's change events, no clock) until two fragments are on disk, then cut
    // it hard, as a crash would.
    const onDisk = () =>
      probe(file!).then(
        (p) => p.frames,
        () => 0,
      );
    await new Promise<void>((resolve) => {
      let probing = false;
      let again = false;
      const check = async () => {
        if (probing) return void (again = true);
        probing = true;
        const enough = (await onDisk()) >= 50;
        probing = false;
        if (enough) {
          watcher.close();
          resolve();
        } else if (again) {
          again = false;
          void check();
        }
      };
      const watcher = watch(file!, () => void check());
      void check();
    });
    (rec as unknown as { encoder: { proc: { kill(s: string): void } } }).encoder.proc.kill('SIGKILL');
    const info = await probe(file!);
    expect(info.codec_name).toBe('h264');
    expect(info.frames).toBeGreaterThanOrEqual(50);
    await rec.stop();
  });

  it('drops its own frames, counted, when the encoder does not keep up; accept never waits', async () => {
    // An "ffmpeg" that never reads its input: the pipe fills and stays full.
    const stuck = join(dir, 'stuck-ffmpeg');
    await writeFile(stuck, '#!/bin/sh\n[ "$2" = -version ] && exit 0\nexec sleep 30\n');
    await chmod(stuck, 0o755);
    const rec = new RecordingOutput('recording', { dir, ffmpeg: stuck });
    rec.setOptions({ maxQueueFrames: 2 });
    await rec.start(ctx());
    const big = (i: number) => frame(i, 512, 512);
    for (let i = 0; i < 40; i++) expect(rec.accept(big(i))).toBeUndefined();
    const state = await rec.state();
    expect(state.dropped).toBeGreaterThan(0);
    expect(state.frames + state.dropped).toBe(40);
    (rec as unknown as { encoder: { proc: { kill(s: string): void } } }).encoder.proc.kill('SIGKILL');
    await rec.stop();
  });

  it('says why when there is no ffmpeg', () => {
    const rec = new RecordingOutput('recording', { dir, ffmpeg: join(dir, 'no-such-ffmpeg') });
    expect(rec.availability()).toMatchObject({ available: false, reason: expect.stringMatching(/FFMPEG_PATH/) });
  });
});

describe('recording routes and the record command', () => {
  it('starts and stops through the hub from HTTP and the command; refuses a double start', async () => {
    const events: RecordingState[] = [];
    const rec = new RecordingOutput('recording', { dir, changed: (s) => events.push(s) });
    const hub = new OutputHub({ fps: () => 25 });
    hub.add(rec, false);
    await hub.start();
    const app = withErrorAnswers(new Hono());
    app.route('/api/v1', recordingRoutes(hub, rec));
    const post = async (path: string) => {
      const res = await app.request(`/api/v1${path}`, { method: 'POST' });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await post('/recording/start')).toMatchObject({ status: 200, body: { recording: true } });
    expect(await post('/recording/start')).toMatchObject({ status: 409 });
    for (let i = 0; i < 10; i++) hub.offer(frame(i));
    await new Promise((r) => queueMicrotask(() => r(undefined)));
    expect(await post('/recording/stop')).toMatchObject({ status: 200, body: { recording: false } });
    expect(events.map((e) => e.recording)).toEqual([true, false]);
    const commands = new CommandRegistry();
    addRecordingCommand(commands, hub, rec, () => {});
    expect(commands.get('record')!.run(true)).toEqual({ ok: true, detail: 'recording' });
    await hub.stop();
  });
});
