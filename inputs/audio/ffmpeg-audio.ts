/**
 * An audio input through ffmpeg: a system device (PulseAudio/ALSA on Linux, AVFoundation on macOS, DirectShow on
 * Windows) or any ffmpeg source, decoded to mono float PCM and handed to a PCM sink (the analyser) block by block.
 * When the device is missing it says why once and stays off; the show goes on.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ffmpegAt, locateFfmpeg } from '../../src/media/ffmpeg-locate';

export interface AudioCaptureOptions {
  /** The ffmpeg to run; FFMPEG_PATH or the one on PATH when left out. */
  ffmpeg: string | undefined;
  /** ffmpeg input format: pulse, alsa, avfoundation, dshow, lavfi, or a file's. */
  format: string;
  /** The device (`default`, `hw:1`, `:0`, `audio=Microphone`) or source. */
  device: string;
  sampleRate: number;
  /** One channel of the input (1 is the first), instead of all of them mixed to mono; undefined: the mix. */
  channel: number | undefined;
  /** Read a file or generated source at its own pace (devices are real-time anyway). */
  realtime: boolean;
  log: (message: string) => void;
}

/** The device ffmpeg opens when none is named, per platform. */
export function defaultAudioDevice(platform: NodeJS.Platform = process.platform): { format: string; device: string } {
  if (platform === 'darwin') return { format: 'avfoundation', device: ':0' };
  if (platform === 'win32') return { format: 'dshow', device: 'audio=default' };
  return { format: 'pulse', device: 'default' };
}

const defaults: AudioCaptureOptions = {
  ffmpeg: undefined,
  ...defaultAudioDevice(),
  sampleRate: 48_000,
  channel: undefined,
  realtime: false,
  log: () => {},
};

export class FfmpegAudioCapture {
  private readonly o: AudioCaptureOptions;
  private proc: ChildProcessByStdio<null, Readable, Readable> | undefined;
  private rest = Buffer.alloc(0);
  private stderr = '';
  private ended: Promise<void> = Promise.resolve();
  reason: string | undefined = 'audio input is off';
  samples = 0;

  constructor(
    private readonly sink: (samples: Float32Array) => void,
    options: Partial<AudioCaptureOptions> = {},
  ) {
    this.o = { ...defaults, ...options } satisfies AudioCaptureOptions;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  /** The rate of the samples it delivers (an analyser's filters are made for one rate). */
  get sampleRate(): number {
    return this.o.sampleRate;
  }

  /** What it listens to, as a person reads it: the ffmpeg input format and device, `pulse default`. */
  get source(): string {
    return `${this.o.format} ${this.o.device}`;
  }

  /** Starts ffmpeg; resolves at once (no ffmpeg, or a device that fails, says so through the log and `reason`). */
  start(): void {
    if (this.proc) return;
    // Looked up at each start: ffmpeg installed (or FFMPEG_PATH fixed) after the server started is found.
    const where = this.o.ffmpeg ? ffmpegAt(this.o.ffmpeg) : locateFfmpeg();
    if (!('path' in where)) return this.stopped(where.reason);
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      ...(this.o.realtime ? ['-re'] : []),
      '-f',
      this.o.format,
      '-i',
      this.o.device,
      // One channel taken as it is (LTC on a shared input would be buried in the mix), or all mixed down.
      ...(this.o.channel === undefined
        ? ['-ac', '1']
        : ['-af', `channelmap=map=${this.o.channel - 1}:channel_layout=mono`]),
      '-ar',
      String(this.o.sampleRate),
      '-f',
      'f32le',
      'pipe:1',
    ];
    const proc = spawn(where.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.reason = undefined;
    this.stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => this.data(chunk));
    proc.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    this.ended = new Promise((resolve) => {
      proc.on('error', (err) => {
        this.stopped(`could not run ffmpeg (${err.message}); install it or set FFMPEG_PATH`);
        resolve();
      });
      proc.on('close', (code, signal) => {
        if (this.proc === proc) {
          const why = this.missingChannel() ?? (this.stderr.trim().split('\n').at(-1) || `exit ${signal ?? code}`);
          this.stopped(code === 0 ? 'the audio source ended' : `${this.o.format} ${this.o.device}: ${why}`);
        }
        resolve();
      });
    });
  }

  /** The sentence for a channel the input does not have (ffmpeg's own names the layout, not the number). */
  private missingChannel(): string | undefined {
    const layout = /not available from input layout '([^']+)'/.exec(this.stderr)?.[1];
    if (layout === undefined || this.o.channel === undefined) return undefined;
    return `there is no channel ${this.o.channel} in this input (its channels are ${layout})`;
  }

  /** Stops ffmpeg and waits for it. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    this.reason = 'audio input is off';
    proc?.kill('SIGTERM');
    await this.ended;
  }

  /** Resolves when the source ends by itself (a file, a generated test tone). */
  done(): Promise<void> {
    return this.ended;
  }

  private data(chunk: Buffer): void {
    const bytes = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const whole = bytes.length - (bytes.length % 4);
    this.rest = Buffer.from(bytes.subarray(whole));
    if (whole === 0) return;
    // Copied into an aligned buffer: a Float32Array view needs a 4-byte aligned offset.
    const samples = new Float32Array(whole / 4);
    Buffer.from(samples.buffer).set(bytes.subarray(0, whole));
    this.samples += samples.length;
    this.sink(samples);
  }

  private stopped(reason: string): void {
    this.proc = undefined;
    this.reason = reason;
    this.o.log(`Audio input: ${reason}.`);
  }
}
