/**
 * The show's timecode position, followed from what a source hears (MTC, LTC) or set by the internal generator.
 * A pure state machine on times given to it (ms on one timeline):
 * - `running` while positions keep coming; between them, and for `freewheelMs` after the last one, the position
 *   runs on at the rate (freewheel), so a lost message or a crackle on the LTC line changes nothing;
 * - `stopped` once nothing came for `freewheelMs` (check() says so; the owner calls it on a timer), holding the
 *   last position heard;
 * - a position further than `jumpFrames` from where the freewheel would be is a jump (a locate, a skip), and so is a
 *   start from anywhere but where it stopped.
 */
import { RATES, dayFrames } from '../../shared/timecode-math';
import type { TimecodeRate } from '../../shared/timecode';

export interface FollowerOptions {
  freewheelMs: number;
  jumpFrames: number;
}

/** What changed: progress while running, a jump, a position set while stopped, a stop. */
export interface TimecodeEvent {
  kind: 'frame' | 'jump' | 'locate' | 'stop';
  /** Frames since midnight at `rate` (fractional while running). */
  frames: number;
  rate: TimecodeRate;
  at: number;
}

export interface Heard {
  frames: number;
  rate: TimecodeRate;
  at: number;
  reverse?: boolean;
  /** A full frame: a position, not a sign of running (a DAW locating while stopped sends one). */
  locate?: boolean;
}

export class TimecodeFollower {
  rate: TimecodeRate | null = null;
  state: 'running' | 'stopped' = 'stopped';
  reverse = false;
  jumps = 0;
  heard = 0;
  private anchor: { frames: number; at: number } | undefined;
  private lastHeardAt = -Infinity;
  private readonly listeners = new Set<(e: TimecodeEvent) => void>();

  constructor(private readonly o: FollowerOptions) {}

  /** Calls `fn` on every change; returns its removal. */
  onChange(fn: (e: TimecodeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Frames since midnight at `t` (fractional while running); undefined before anything was heard. */
  position(t: number): number | undefined {
    if (!this.anchor || !this.rate) return undefined;
    if (this.state === 'stopped') return this.anchor.frames;
    const run = ((t - this.anchor.at) * RATES[this.rate].fps) / 1000;
    return this.wrap(this.anchor.frames + (this.reverse ? -run : run));
  }

  /** A position from the source. */
  hear(h: Heard): void {
    this.heard++;
    const rateChanged = this.rate !== h.rate;
    const expected = rateChanged ? undefined : this.position(h.at);
    this.rate = h.rate;
    const frames = this.wrap(h.frames);
    const moved = expected === undefined || this.distance(frames, expected) > this.o.jumpFrames;
    if (h.locate) {
      const wasRunning = this.state === 'running';
      // A full frame in step with a run (some senders repeat one now and then) moves nothing.
      if (wasRunning && !moved) return;
      this.state = 'stopped';
      this.anchor = { frames, at: h.at };
      if (moved) this.jumps++;
      // A full frame elsewhere in the middle of a run is a locate: it runs on only if quarter frames follow.
      this.emit(wasRunning ? 'jump' : 'locate', frames, h.at);
      return;
    }
    this.lastHeardAt = h.at;
    this.reverse = h.reverse ?? false;
    this.state = 'running';
    this.anchor = { frames, at: h.at };
    if (moved) this.jumps++;
    this.emit(moved ? 'jump' : 'frame', frames, h.at);
  }

  /** Stops when nothing was heard for the freewheel time; returns the ms until it should be asked again. */
  check(t: number): number | undefined {
    if (this.state !== 'running') return undefined;
    const left = this.lastHeardAt + this.o.freewheelMs - t;
    if (left > 0) return left;
    const held = this.anchor!;
    this.state = 'stopped';
    this.emit('stop', held.frames, t);
    return undefined;
  }

  /** The internal generator: tells the position at `t` while it runs (the chase sees each frame pass). */
  tick(t: number): void {
    const at = this.position(t);
    if (this.state === 'running' && at !== undefined) this.emit('frame', at, t);
  }

  /** The internal generator: sets the position (running on from there when running). */
  locate(frames: number, rate: TimecodeRate, t: number): void {
    const running = this.state === 'running';
    this.rate = rate;
    this.anchor = { frames: this.wrap(frames), at: t };
    this.jumps++;
    this.emit(running ? 'jump' : 'locate', this.anchor.frames, t);
  }

  /** The internal generator: runs from the position now (from 00:00:00:00 when there was none) or stops there. */
  run(running: boolean, rate: TimecodeRate, t: number): void {
    if (running === (this.state === 'running')) return;
    const at = this.position(t) ?? 0;
    this.rate = rate;
    this.anchor = { frames: at, at: t };
    this.state = running ? 'running' : 'stopped';
    this.reverse = false;
    this.emit(running ? 'frame' : 'stop', at, t);
  }

  private wrap(frames: number): number {
    if (!this.rate) return frames;
    const day = dayFrames(this.rate);
    return ((frames % day) + day) % day;
  }

  /** Distance on the 24-hour circle, so 23:59:59:29 -> 00:00:00:00 is one frame. */
  private distance(a: number, b: number): number {
    const day = this.rate ? dayFrames(this.rate) : Infinity;
    const d = Math.abs(a - b) % day;
    return Math.min(d, day - d);
  }

  private emit(kind: TimecodeEvent['kind'], frames: number, at: number): void {
    const event = { kind, frames, rate: this.rate!, at };
    for (const fn of this.listeners) fn(event);
  }
}
