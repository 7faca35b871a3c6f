/**
 * The output delay: one delay line between the frame loop and every output (WHEP, MJPEG and /frame, NDI, Syphon,
 * Spout, recording, DMX pixel mapping; through follow(), the conditioning picture's WHEP and NDI too), so the
 * picture can be lined up with a PA that is late by its own processing and the distance to the room. Set in milliseconds, or in beats that follow the tempo; clamped to
 * MAX_OUTPUT_DELAY_MS. At 0 a frame passes straight through, as if the line were not there.
 *
 * Memory is bounded twice: at most `maxFrames` frames are held, and at most `maxBytes` of pixels (a repeated
 * frame shares its buffer and counts once). A frame that would pass either bound is skipped: the delayed picture
 * then runs at a lower frame rate, but stays exactly as late as asked.
 */
import { MAX_OUTPUT_DELAY_BEATS, MAX_OUTPUT_DELAY_MS } from '../shared/latency';
import type { OutputDelay, OutputDelayBody } from '../shared/latency';
import type { Cancel, Clock } from './clock';
import type { Frame } from './frame';

/** What the outputs read frames from: the engine, or this line in front of it. */
export interface FrameSource {
  onFrame(listener: (frame: Frame) => void): () => void;
  latest(): Frame | undefined;
}

export interface OutputDelayOptions {
  clock: Clock;
  /** The tempo that beats follow; its `onChange` moves what is held to the new tempo at once. */
  tempo: { readonly bpm: number; onChange(listener: () => void): () => void };
  /** 2 s at 240 fps. */
  maxFrames: number;
  /** Pixels held at most: 2 s of 1080p RGBA at 30 fps is about 500 MB. */
  maxBytes: number;
}

const defaults = { maxFrames: 480, maxBytes: 768 * 2 ** 20 };

/** A setting out of range is clamped (as parameters are): negative to 0, above the maximum to it. */
export function clampDelay(body: OutputDelayBody): { unit: 'ms' | 'beats'; value: number } {
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return 'ms' in body
    ? { unit: 'ms', value: clamp(body.ms, MAX_OUTPUT_DELAY_MS) }
    : { unit: 'beats', value: clamp(body.beats, MAX_OUTPUT_DELAY_BEATS) };
}

export class FrameDelayLine implements FrameSource {
  private readonly o: OutputDelayOptions;
  private setting: { unit: 'ms' | 'beats'; value: number } = { unit: 'ms', value: 0 };
  /** Held frames, oldest first, in a ring; `at` is when each arrived on the clock. */
  private readonly ring: (Frame | undefined)[];
  private readonly at: Float64Array;
  private head = 0;
  private size = 0;
  private bytes = 0;
  private skipped = 0;
  private out: Frame | undefined;
  private readonly listeners = new Set<(frame: Frame) => void>();
  private timer: { due: number; cancel: Cancel } | undefined;
  private readonly detach: () => void;
  private readonly untempo: () => void;
  /** Lines that hold another stream back by this line's delay (the conditioning picture's outputs). */
  private readonly followers = new Set<FrameDelayLine>();
  /** The line whose setting this one follows; undefined for the outputs' own line. */
  private leader: FrameDelayLine | undefined;

  constructor(
    private readonly source: FrameSource,
    options: Pick<OutputDelayOptions, 'clock' | 'tempo'> & Partial<OutputDelayOptions>,
  ) {
    this.o = { ...defaults, ...options } satisfies OutputDelayOptions;
    this.ring = new Array<Frame | undefined>(this.o.maxFrames);
    this.at = new Float64Array(this.o.maxFrames);
    this.detach = source.onFrame((frame) => this.push(frame));
    this.untempo = this.o.tempo.onChange(() => this.release());
  }

  /**
   * A line holding `source`'s frames back by this line's delay, whatever it is set to later: the conditioning
   * picture (a depth map) stays lined up with the frames rendered from it. It ends with this line's close().
   */
  follow(source: FrameSource): FrameDelayLine {
    const follower = new FrameDelayLine(source, this.o);
    follower.leader = this;
    this.followers.add(follower);
    return follower;
  }

  /** The delay now, in milliseconds (beats at the current tempo), within 0..MAX_OUTPUT_DELAY_MS. */
  ms(): number {
    if (this.leader) return this.leader.ms();
    const { unit, value } = this.setting;
    const ms = unit === 'ms' ? value : (value * 60_000) / this.o.tempo.bpm;
    return Math.min(MAX_OUTPUT_DELAY_MS, ms);
  }

  /** Sets the delay (clamped); frames already held follow the new delay at once. */
  set(body: OutputDelayBody): OutputDelay {
    this.setting = clampDelay(body);
    this.release();
    for (const f of this.followers) f.release();
    return this.status();
  }

  status(): OutputDelay {
    return { ...this.setting, ms: Math.round(this.ms() * 100) / 100, held: this.size, skipped: this.skipped };
  }

  onFrame(listener: (frame: Frame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The newest frame the outputs got; with no delay, the engine's newest. */
  latest(): Frame | undefined {
    return this.size === 0 && this.ms() === 0 ? this.source.latest() : this.out;
  }

  /** Sends every held frame now (the server is draining: the last frame still goes out). */
  drain(): void {
    while (this.size > 0) this.emit(this.shift());
    this.cancelTimer();
    for (const f of this.followers) f.drain();
  }

  close(): void {
    this.cancelTimer();
    this.detach();
    this.untempo();
    for (const f of this.followers) f.close();
    this.followers.clear();
  }

  private push(frame: Frame): void {
    if (this.size === 0 && this.ms() === 0) return this.emit(frame);
    const newest = this.size > 0 ? this.ring[(this.head + this.size - 1) % this.o.maxFrames] : undefined;
    const cost = newest?.data === frame.data ? 0 : frame.data.byteLength;
    if (this.size === this.o.maxFrames || this.bytes + cost > this.o.maxBytes) {
      this.skipped++;
    } else {
      const i = (this.head + this.size) % this.o.maxFrames;
      this.ring[i] = frame;
      this.at[i] = this.o.clock.now();
      this.size++;
      this.bytes += cost;
    }
    this.release();
  }

  /** Sends the frames whose time has come, and sets a timer for the next one. */
  private release(): void {
    const delay = this.ms();
    const now = this.o.clock.now();
    while (this.size > 0 && this.at[this.head]! + delay <= now) this.emit(this.shift());
    if (this.size === 0) return this.cancelTimer();
    const due = this.at[this.head]! + delay;
    if (this.timer?.due === due) return;
    this.cancelTimer();
    this.timer = { due, cancel: this.o.clock.after(due - now, () => ((this.timer = undefined), this.release())) };
  }

  private shift(): Frame {
    const frame = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.o.maxFrames;
    this.size--;
    const next = this.size > 0 ? this.ring[this.head] : undefined;
    // A run of frames sharing one buffer (a repeated frame) counts it once: its bytes go with the run's last.
    if (next?.data !== frame.data) this.bytes -= frame.data.byteLength;
    return frame;
  }

  private emit(frame: Frame): void {
    this.out = frame;
    for (const l of this.listeners) {
      try {
        l(frame);
      } catch {
        // An output's bug must not stop the others; outputs report their own errors.
      }
    }
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
