import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/server/test-support';
import { InputHub } from '../hub';
import { FileSource, readableFile } from './file-source';
import { CameraSource } from './camera-source';
import { makeClip } from './test-clip';
import type { Image } from '../../src/engine/frame';

const dir = mkdtempSync(join(tmpdir(), 'scope-ffmpeg-'));
let clip: string;
let short: string;

/** Mean colour of a 5x5 patch around (x, y). */
function patch(img: Image, x: number, y: number): number[] {
  const sum = [0, 0, 0];
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      const o = ((y + dy) * img.width + (x + dx)) * 4;
      for (let c = 0; c < 3; c++) sum[c]! += img.data[o + c]!;
    }
  }
  return sum.map((v) => Math.round(v / 25));
}

/** ffmpeg's children of a watchdog shell (Linux /proc). */
function childrenOf(pid: number): number[] {
  const path = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

beforeAll(() => {
  clip = makeClip(dir, 'bars.mkv', { seconds: 2 });
  short = makeClip(dir, 'short.mkv', { seconds: 0.4, fps: 25 });
});

describe('files through ffmpeg', () => {
  let hub: InputHub;
  afterEach(async () => hub?.stop());

  function startHub(backoffMs = [100]) {
    hub = new InputHub({ staleMs: 1000, backoffMs });
    return hub;
  }

  it('plays a clip: its picture arrives as RGBA frames that move, at the clip pace', async () => {
    startHub();
    const source = new FileSource('clip', clip);
    await hub.add(source, true);
    await hub.start();
    hub.select('clip');
    await waitFor(() => hub.info('clip').frames >= 12, 10_000, '12 frames of the clip');
    expect(hub.info('clip')).toMatchObject({ state: 'live', width: 160, height: 120, kind: 'file' });
    const a = hub.frame(160, 120)!;
    // Left half red, right half blue, as the clip was made (MPEG-4 moves colours a little).
    const [lr, , lb] = patch(a, 40, 60);
    const [rr, , rb] = patch(a, 120, 60);
    expect([lr! > 200, lb! < 50, rr! < 50, rb! > 200]).toEqual([true, true, true, true]);
    const green = patch(a, 40, 60)[1]!;
    await waitFor(() => Math.abs(patch(hub.frame(160, 120)!, 40, 60)[1]! - green) > 10, 5000, 'the next frames');
    // A 25 fps clip read at its own pace: around 25 frames a second, not as fast as ffmpeg can decode.
    await waitFor(() => hub.info('clip').fps >= 15, 5000, 'the frame rate to settle');
    expect(hub.info('clip').fps).toBeLessThan(40);
  });

  it('played once: at the end it holds the last frame and says so; restart plays it again', async () => {
    startHub();
    const source = new FileSource('short', short, { loop: false, speed: 2 });
    await hub.add(source, true);
    await hub.start();
    hub.select('short');
    await waitFor(() => hub.info('short').state === 'lost', 10_000, 'the end of the clip');
    expect(hub.info('short').reason).toMatch(/the file ended/);
    const frames = hub.info('short').frames;
    expect(frames).toBeGreaterThanOrEqual(8);
    expect(hub.frame(160, 120)).toBeDefined();
    expect(source.pid).toBeUndefined();
    await hub.restart('short');
    await waitFor(() => hub.info('short').frames > frames, 10_000, 'frames after restart');
  });

  it('looped: it goes on past the end of the clip', async () => {
    startHub();
    await hub.add(new FileSource('loop', short, { loop: true, speed: 4 }), true);
    await hub.start();
    // 10 frames a loop: 40 frames means it went round several times without a restart.
    await waitFor(() => hub.info('loop').frames >= 40, 10_000, 'four loops');
    expect(hub.info('loop').state).toBe('live');
  });

  it('killed mid-stream: the source holds its last frame, says why, and comes back by itself', async () => {
    startHub([200]);
    const source = new FileSource('clip', clip);
    await hub.add(source, true);
    await hub.start();
    hub.select('clip');
    await waitFor(() => hub.info('clip').frames >= 3, 10_000, 'first frames');
    const [ffmpeg] = childrenOf(source.pid!);
    process.kill(ffmpeg!, 'SIGKILL');
    await waitFor(() => hub.info('clip').state === 'lost', 5000, 'the loss to show');
    expect(hub.info('clip').reason).toMatch(/ffmpeg was killed \(SIGKILL\)/);
    expect(hub.frame(160, 120)).toBeDefined();
    const before = hub.info('clip').frames;
    await waitFor(() => hub.info('clip').state === 'live' && hub.info('clip').frames > before, 10_000, 'recovery');
  });

  it('leaves no ffmpeg behind when the source is removed', async () => {
    startHub();
    const source = new FileSource('clip', clip);
    await hub.add(source, true);
    await hub.start();
    await waitFor(() => hub.info('clip').frames >= 1, 10_000, 'a frame');
    const shell = source.pid!;
    const [ffmpeg] = childrenOf(shell);
    expect(running(ffmpeg!)).toBe(true);
    await hub.remove('clip');
    expect(running(ffmpeg!)).toBe(false);
    expect(running(shell)).toBe(false);
  });

  it('leaves no ffmpeg behind when the server process is killed outright', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'test-child.ts'), clip], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`the child exited (${code}) before a frame`)));
    });
    const { pid: shell } = JSON.parse(line) as { pid: number };
    const [ffmpeg] = childrenOf(shell);
    expect(running(ffmpeg!)).toBe(true);
    child.kill('SIGKILL');
    // The watchdog sees its pipe close and ends ffmpeg with TERM (KILL after 2 s at the latest).
    await waitFor(() => !running(ffmpeg!), 5000, 'ffmpeg to end with its parent');
  });
});

describe('bad files and devices', () => {
  it.each([
    ['a missing file', '/nonexistent/clip.mp4', /cannot read \/nonexistent\/clip\.mp4: no such file/],
    ['a folder', '/tmp', /not a regular file/],
    ['a device', '/dev/zero', /not a regular file/],
    ['a relative path', 'clip.mp4', /must be absolute/],
  ])('refuses %s with a sentence', async (_, path, message) => {
    await expect(readableFile(path)).rejects.toThrow(message);
  });

  it('a file that is not video: ffmpeg says why, the source is lost with that reason', async () => {
    const hub = new InputHub({ backoffMs: [60_000] });
    const notVideo = join(dir, 'notes.txt');
    writeFileSync(notVideo, 'not a video at all');
    await hub.add(new FileSource('txt', notVideo), true);
    await hub.start();
    await waitFor(() => hub.info('txt').state === 'lost', 10_000, 'ffmpeg to give up');
    expect(hub.info('txt').reason).toMatch(/ffmpeg exited with code \d+: .*(Invalid data|notes\.txt)/);
    await hub.stop();
  });

  it('a camera that is not there: lost with ffmpeg’s reason, no crash', async () => {
    const hub = new InputHub({ backoffMs: [60_000] });
    await hub.add(new CameraSource('cam', '/dev/video77'), true);
    await hub.start();
    await waitFor(() => hub.info('cam').state === 'lost', 10_000, 'ffmpeg to give up');
    expect(hub.info('cam').reason).toMatch(/video77/);
    await hub.stop();
  });

  it('without ffmpeg the sources are listed as unavailable with what to do', async () => {
    const hub = new InputHub();
    await hub.add(new FileSource('f', clip, {}, undefined, () => ({ reason: 'no ffmpeg on PATH; install it' })));
    expect(hub.info('f')).toMatchObject({ available: false, state: 'unavailable' });
    expect(hub.info('f').reason).toContain('install it');
  });
});
