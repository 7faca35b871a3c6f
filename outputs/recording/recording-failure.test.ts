/**
 * The recorder when ffmpeg fails: a fake ffmpeg that fails like a full disk (deterministic, ManualTimers for the
 * backoff), and the real ffmpeg on a 2 MB tmpfs that fills up.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingOutput } from './recording-output';
import { recordingRoutes } from './routes';
import { OutputHub } from '../hub';
import { ConversionCache } from '../convert';
import { ManualTimers } from '../../src/kernel/timers';
import { withErrorAnswers } from '../../src/server/app';
import type { OutputContext } from '../output';
import type { RecordingState } from '../../src/shared/perform';

const run = promisify(execFile);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recording-fail-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const cache = new ConversionCache();
const frame = (seq: number, width = 64, height = 48, data = new Uint8Array(width * height * 4).fill(seq % 256)) =>
  cache.wrap({ data, width, height, seq, timestamp: seq * 40, pipelineId: 'test', repeated: false });
const ctx = (logs: string[] = []): OutputContext => ({ log: (m) => logs.push(m), changed: () => {}, fps: () => 25 });
const mp4s = async (d: string) => (await readdir(d)).filter((n) => n.endsWith('.mp4')).sort();

/** Resolves with the first state the recorder announces that `test` accepts. */
function announced(events: RecordingState[], test: (s: RecordingState) => boolean): Promise<RecordingState> {
  return new Promise((resolve) => {
    const seen = events.length;
    const poll = () => {
      const hit = events.slice(seen).find(test);
      if (hit) resolve(hit);
      else setImmediate(poll);
    };
    poll();
  });
}

describe('the recorder when ffmpeg fails', () => {
  it('stops with the reason, tries again with a doubling backoff, gives up, and leaves no empty part', async () => {
    // An ffmpeg that creates its output file empty and fails as on a full disk, counting its starts.
    const fake = join(dir, 'full-disk-ffmpeg');
    const starts = join(dir, 'starts');
    await writeFile(
      fake,
      `#!/bin/sh\n[ "$2" = -version ] && exit 0\necho >> ${starts}\nfor a; do out="$a"; done\n: > "$out"\n` +
        `echo "av_interleaved_write_frame(): No space left on device" >&2\nexit 1\n`,
    );
    await chmod(fake, 0o755);
    const out = join(dir, 'out');
    const timers = new ManualTimers();
    const events: RecordingState[] = [];
    const logs: string[] = [];
    const rec = new RecordingOutput('recording', {
      dir: out,
      ffmpeg: fake,
      timers,
      minFreeBytes: 0,
      changed: (s) => events.push(s),
    });
    const hub = new OutputHub({ fps: () => 25, log: (m) => logs.push(m) });
    hub.add(rec, false);
    await hub.start();
    const app = withErrorAnswers(new Hono());
    app.route('/api/v1', recordingRoutes(hub, rec));
    const get = async () => (await (await app.request('/api/v1/recording')).json()) as RecordingState;
    const startCount = async () => (await readFile(starts, 'utf8').catch(() => '')).split('\n').length - 1;

    expect((await app.request('/api/v1/recording/start', { method: 'POST' })).status).toBe(200);
    for (const wait of [2000, 4000, 8000]) {
      const failed = announced(events, (s) => s.error !== undefined);
      rec.accept(frame(1));
      expect((await failed).error).toMatch(/No space left on device; trying again in \d s/);
      // Waiting: frames come on at the loop's rate and open nothing.
      for (let i = 0; i < 100; i++) rec.accept(frame(i));
      timers.advance(wait - 1);
      for (let i = 0; i < 100; i++) rec.accept(frame(i));
      expect(await get()).toMatchObject({ recording: false, error: expect.stringMatching(/trying again in 1 s/) });
      const due = announced(events, (s) => s.error === undefined);
      timers.advance(1);
      await due;
    }
    const gaveUp = announced(events, (s) => /stopped after 3 tries/.test(s.error ?? ''));
    rec.accept(frame(1));
    await gaveUp;
    for (let i = 0; i < 100; i++) rec.accept(frame(i));
    timers.advance(60_000);
    // One start and three retries: never five a second.
    expect(await startCount()).toBe(4);
    expect(await get()).toMatchObject({
      recording: false,
      error: 'ffmpeg exited (1): av_interleaved_write_frame(): No space left on device; stopped after 3 tries',
    });
    expect(logs.filter((l) => /removed .* which held no frame/.test(l))).toHaveLength(4);
    expect(await mp4s(out)).toEqual([]);
    // Started again, it records again (here: fails again, with a fresh count).
    const again = announced(events, (s) => /\(1 of 3\)/.test(s.error ?? ''));
    expect((await app.request('/api/v1/recording/start', { method: 'POST' })).status).toBe(200);
    rec.accept(frame(1));
    await again;
    await hub.stop();
  });

  it('on a 2 MB tmpfs that fills: stops with the reason, the part written stays playable, no empty part', async () => {
    const disk = join(dir, 'disk');
    await run('mkdir', [disk]);
    // CI runs as root: a test that cannot mount fails rather than skips.
    await run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]);
    try {
      const timers = new ManualTimers();
      const events: RecordingState[] = [];
      const logs: string[] = [];
      const rec = new RecordingOutput('recording', { dir: disk, timers, changed: (s) => events.push(s) });
      await rec.start(ctx(logs));
      const failed = announced(events, (s) => s.error !== undefined);
      let stopped = false;
      void failed.then(() => (stopped = true));
      // Noise does not compress: 2 MB fill within a few hundred frames of 160x120.
      for (let i = 0; i < 2000 && !stopped; i++) {
        expect(rec.accept(frame(i, 160, 120, randomBytes(160 * 120 * 4)))).toBeUndefined();
        while (rec.queuedBytes() > 0 && !stopped) await new Promise((r) => setImmediate(r));
      }
      const state = await failed;
      expect(state).toMatchObject({ recording: false, error: expect.stringMatching(/No space left on device/) });
      // The retry finds the disk still full and opens no part.
      const full = announced(events, (s) => /is full/.test(s.error ?? ''));
      timers.advance(2000);
      // Frames that come while the free space is being read open nothing either.
      for (let i = 0; i < 50; i++) rec.accept(frame(i, 160, 120));
      await full;
      for (let i = 0; i < 50; i++) rec.accept(frame(i, 160, 120));
      const parts = await mp4s(disk);
      expect(parts).toHaveLength(1);
      const { stdout } = await run('ffprobe', [
        ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
        ...['-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'json', join(disk, parts[0]!)],
      ]);
      const stream = (JSON.parse(stdout) as { streams: { codec_name: string; nb_read_frames: string }[] }).streams[0]!;
      expect(stream.codec_name).toBe('h264');
      expect(Number(stream.nb_read_frames)).toBeGreaterThan(25);
      await rec.stop();
    } finally {
      await run('umount', [disk]);
    }
  }, 60_000);
});
