/**
 * Recording as an output: the hub hands it every frame; it copies the pixels into its own ffmpeg process's stdin
 * and returns at once. When ffmpeg falls behind and the pipe holds more than `maxQueueFrames`, the recorder drops
 * that frame (counted) — the loop never waits for the disk. Files go to `<configDir>/recordings`.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { setPriority } from 'node:os';
import { z } from 'zod';
import { recordingArgs } from './ffmpeg-args';
import { ffmpegAt, locateFfmpeg } from '../../src/media/ffmpeg-locate';
import { backgroundTimers } from '../../src/kernel/timers';
import { RetryPolicy, retryDefaults } from './retry-policy';
import { removeIfEmpty } from './empty-part';
import type { Timers } from '../../src/kernel/timers';
import type { RetryPolicyOptions } from './retry-policy';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Availability, Output, OutputContext, OutputFrame, OutputStatus } from '../output';
import type { RecordingState } from '../../src/shared/perform';

export const recordingOptionsSchema = z.strictObject({
  crf: z.number().int().min(0).max(51),
  preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']),
  maxQueueFrames: z.number().int().min(1).max(240),
});
export type RecordingOptions = z.infer<typeof recordingOptionsSchema>;

export interface RecorderSettings {
  dir: string;
  /** The ffmpeg to run; FFMPEG_PATH or the one on PATH when left out. */
  ffmpeg: string | undefined;
  /** Told whenever recording starts, stops or fails. */
  changed: (state: RecordingState) => void;
  now: () => Date;
  /** The timers the retries after a failure wait on. */
  timers: Timers;
  retry: Omit<RetryPolicyOptions, 'timers'>;
  /** A retry does not open a part while the disk has less free than this (bytes): it counts as failed. */
  minFreeBytes: number;
}

type Encoder = ChildProcessByStdio<Writable, null, Readable>;

export class RecordingOutput implements Output<RecordingOptions> {
  readonly kind = 'recording' as const;
  readonly name = 'Recording (MP4)';
  readonly optionsSchema = recordingOptionsSchema.partial();
  // A second of frames: enough to ride out ffmpeg's start and a slow disk moment without dropping.
  private opts: RecordingOptions = { crf: 20, preset: 'ultrafast', maxQueueFrames: 30 };
  private readonly s: RecorderSettings;
  private ctx: OutputContext | undefined;
  private encoder: { proc: Encoder; width: number; height: number; done: Promise<void>; stderr: string } | undefined;
  private file: string | null = null;
  private part = 0;
  private frames = 0;
  private dropped = 0;
  private error: string | undefined;
  private available: Availability | undefined;
  private binary: string | undefined;
  private readonly retry: RetryPolicy;

  constructor(
    readonly id: string,
    settings: Partial<RecorderSettings> & Pick<RecorderSettings, 'dir'>,
  ) {
    this.s = {
      ffmpeg: undefined,
      changed: () => {},
      now: () => new Date(),
      timers: backgroundTimers,
      retry: retryDefaults,
      minFreeBytes: 16 * 1024 * 1024,
      ...settings,
    } satisfies RecorderSettings;
    this.retry = new RetryPolicy({ ...this.s.retry, timers: this.s.timers });
  }

  /** True when ffmpeg failed: the recorder is on but records nothing (it waits to try again, or gave up). */
  get down(): boolean {
    return this.retry.down;
  }

  availability(): Availability {
    if (!this.available) {
      // Looked up once, on the file system: nothing is run (or waited for) to list the output.
      const where = this.s.ffmpeg ? ffmpegAt(this.s.ffmpeg) : locateFfmpeg();
      this.binary = 'path' in where ? where.path : undefined;
      this.available = 'path' in where ? { available: true } : { available: false, reason: where.reason };
    }
    return this.available;
  }

  async start(ctx: OutputContext): Promise<void> {
    this.ctx = ctx;
    await mkdir(this.s.dir, { recursive: true });
    this.frames = 0;
    this.dropped = 0;
    this.part = 0;
    this.error = undefined;
    this.file = null;
    this.retry.reset();
    this.s.changed(await this.state());
  }

  async stop(): Promise<void> {
    await this.finish();
    this.retry.reset();
    const file = this.file;
    this.ctx?.log(`Recording stopped: ${file ?? 'no frame came'} (${this.frames} frames, ${this.dropped} dropped).`);
    this.ctx = undefined;
    this.s.changed(await this.state());
  }

  accept(frame: OutputFrame): void {
    if (!this.ctx) return;
    if (this.encoder && (this.encoder.width !== frame.width || this.encoder.height !== frame.height)) {
      // The size changed (a pipeline with another resolution): this part ends, the next one begins.
      void this.finish();
    }
    // After a failure no part is opened until the retry is due: frames are not counted, the loop goes on.
    if (!this.encoder && this.retry.down) return;
    const encoder = this.encoder ?? this.open(frame.width, frame.height);
    if (!encoder) return;
    const stdin = encoder.proc.stdin;
    if (stdin.writableLength > this.opts.maxQueueFrames * frame.data.byteLength) {
      this.dropped++;
      return;
    }
    // A copy: the pipeline may reuse its buffer before ffmpeg has read this one.
    stdin.write(Buffer.from(frame.data));
    this.frames++;
  }

  /** Bytes written to ffmpeg that it has not read yet. */
  queuedBytes(): number {
    return this.encoder?.proc.stdin.writableLength ?? 0;
  }

  status(): OutputStatus {
    return {
      clients: this.encoder ? 1 : 0,
      ...(this.file ? { urls: [this.file] } : {}),
      ...((this.retry.describe() ?? this.error) ? { error: this.retry.describe() ?? this.error } : {}),
    };
  }

  options(): RecordingOptions {
    return { ...this.opts };
  }

  setOptions(patch: Partial<RecordingOptions>): void {
    this.opts = { ...this.opts, ...patch };
  }

  /** What GET /api/v1/recording answers. */
  async state(): Promise<RecordingState> {
    const availability = this.availability();
    return {
      available: availability.available,
      ...(availability.available ? {} : { reason: availability.reason }),
      recording: this.ctx !== undefined && !this.retry.down,
      ...(this.ctx && this.retry.down ? { error: this.retry.describe() } : {}),
      file: this.file,
      frames: this.frames,
      dropped: this.dropped,
      seconds: this.frames / (this.ctx?.fps() ?? 30),
      dir: this.s.dir,
      files: await this.files(),
    };
  }

  private async files(): Promise<RecordingState['files']> {
    let names: string[];
    try {
      names = (await readdir(this.s.dir)).filter((n) => n.endsWith('.mp4')).sort();
    } catch {
      return [];
    }
    const out: RecordingState['files'] = [];
    for (const name of names) {
      try {
        const st = await stat(join(this.s.dir, name));
        out.push({ name, bytes: st.size, modified: st.mtime.toISOString() });
      } catch {
        // Deleted while listing.
      }
    }
    return out;
  }

  private open(width: number, height: number) {
    const stamp = this.s.now().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    this.part++;
    const file = join(this.s.dir, `scope-${stamp}${this.part > 1 ? `-part${this.part}` : ''}.mp4`);
    const fps = this.ctx?.fps() ?? 30;
    const args = recordingArgs({ width, height, fps, crf: this.opts.crf, preset: this.opts.preset, file });
    let proc: Encoder;
    try {
      const found = this.availability();
      if (!found.available) throw new Error(found.reason);
      proc = spawn(this.binary!, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (err) {
      this.fail(`could not start ffmpeg: ${(err as Error).message}`, file);
      return undefined;
    }
    // The encoder yields the CPU to the loop: on a busy machine it falls behind and drops its own frames instead.
    try {
      if (proc.pid !== undefined) setPriority(proc.pid, 15);
    } catch {
      // Not allowed here (some containers): it then competes as an equal.
    }
    const encoder = { proc, width, height, stderr: '', done: Promise.resolve() };
    proc.stderr.on('data', (d: Buffer) => (encoder.stderr = (encoder.stderr + d.toString()).slice(-2000)));
    // A dead encoder makes writes fail with EPIPE; the exit handler says why.
    proc.stdin.on('error', () => {});
    encoder.done = new Promise<void>((resolve) => {
      proc.on('error', (err) => {
        if (this.encoder === encoder) this.encoder = undefined;
        this.fail(`ffmpeg failed: ${err.message}`, file);
        resolve();
      });
      proc.on('close', (code, signal) => {
        if (this.encoder === encoder) this.encoder = undefined;
        if (code !== 0 && !(signal === 'SIGTERM' && !this.ctx)) {
          this.fail(`ffmpeg exited (${signal ?? code}): ${lastLine(encoder.stderr)}`, file);
        }
        resolve();
      });
    });
    this.encoder = encoder;
    this.file = file;
    this.ctx?.log(`Recording to ${file} (${width}x${height} at ${fps} fps).`);
    return encoder;
  }

  /**
   * Closes stdin so ffmpeg writes the last fragment and exits. Killing it would lose the frames it still holds (all
   * of them, when it had not written its first fragment yet), so that is kept for an encoder that has not exited
   * within FINISH_LIMIT_MS; and a finishing encoder gets the CPU back, since at its recording niceness a loaded
   * machine starved it past the old 10 s bound and the test run saw the whole recording lost.
   */
  private async finish(): Promise<void> {
    const encoder = this.encoder;
    if (!encoder) return;
    this.encoder = undefined;
    try {
      if (encoder.proc.pid !== undefined) setPriority(encoder.proc.pid, 0);
    } catch {
      // Raising a priority needs privileges a user may not have: it finishes at the niceness it had.
    }
    encoder.proc.stdin.end();
    const timer = setTimeout(() => encoder.proc.kill('SIGKILL'), FINISH_LIMIT_MS);
    await encoder.done;
    clearTimeout(timer);
  }

  /**
   * ffmpeg failed while recording `file`: the recorder stops taking frames, says why (log, state, event), removes
   * the part if it holds no frame, and tries again after the policy's backoff.
   */
  private fail(message: string, file: string): void {
    this.error = message;
    const ctx = this.ctx;
    if (ctx && !this.retry.down) ctx.log(`Recording: ${this.retry.failed(message, () => void this.retryDue())}`);
    else ctx?.log(`Recording: ${message}`);
    void removeIfEmpty(file).then(async (removed) => {
      if (removed) ctx?.log(`Recording: removed ${file}, which held no frame.`);
      this.s.changed(await this.state());
    });
  }

  /** A retry is due: the next frame opens a new part, unless the disk is still (nearly) full. */
  private async retryDue(): Promise<void> {
    const free = await statfs(this.s.dir).then(
      (s) => s.bavail * s.bsize,
      () => Infinity,
    );
    if (!this.ctx || !this.retry.down) return;
    if (free < this.s.minFreeBytes) {
      const why = `the disk holding ${this.s.dir} is full (${Math.floor(free / 1024)} KB free)`;
      this.error = why;
      this.ctx.log(`Recording: ${this.retry.failed(why, () => void this.retryDue())}`);
    } else this.retry.resume();
    this.s.changed(await this.state());
  }
}

/** How long a stopped encoder may take to write its last fragment before it is taken for hung and killed. */
const FINISH_LIMIT_MS = 60_000;

/** ffmpeg's last line on stderr: the reason it stopped (`No space left on device`). */
function lastLine(stderr: string): string {
  return stderr.trim().split('\n').at(-1) ?? '';
}
