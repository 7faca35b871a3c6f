import type { z } from 'zod';

import type { InputKind } from '../src/shared/inputs';
import type { RawPicture } from '../src/media/sample';
import type { Timers } from '../src/kernel/timers';

export type { InputInfo, InputKind, InputState } from '../src/shared/inputs';

export type Availability = { available: true } | { available: false; reason: string };

/**
 * A picture as a source delivers it. The conversion to RGBA is lazy: the hub calls rgba() at most once, and only
 * for frames somebody uses (the active input, a preview), so a source that is merely listed costs no conversion.
 */
export interface SourceFrame {
  width: number;
  height: number;
  /** Tightly packed RGBA of width x height (alpha is not used). */
  rgba(): Uint8Array;
  /**
   * The frame as received (I420, UYVY, BGRA, RGBA), when the source has it: a frame that must be scaled is then
   * sampled straight from it, at the cost of the output size instead of a full-size conversion first.
   */
  raw?: RawPicture;
}

/** Handed to start(): how a source delivers frames and says what happens to it. */
export interface SourceContext {
  /** A new frame; it replaces the previous one (the newest frame wins). */
  frame(frame: SourceFrame): void;
  /**
   * The source stopped (a sender left, a process ended). The hub holds the last frame, shows `reason`, and with
   * `retry` (the default) stops and starts the source again after a backoff until frames come back.
   */
  lost(reason: string, retry?: boolean): void;
  /** Started but no frame yet: says what it is waiting for (a publisher, a sender on the network). */
  waiting(reason: string): void;
  log(message: string): void;
  /** Something listed changed (a detail, a connection). */
  changed(): void;
  /** The hub's timers: a source that polls (a directory, a receiver) runs on them, so tests move time by hand. */
  timers: Timers;
}

/**
 * One source of pictures. start() returns once the source is set up (not once a frame came); a source whose
 * platform or library is missing stays listed with availability() saying why. Options are validated by the
 * source's own schema before setOptions() sees them.
 */
export interface InputSource<O extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: string;
  readonly kind: InputKind;
  readonly name: string;
  /** Validates a PUT's options patch; strict, every key optional. */
  readonly optionsSchema: z.ZodType<Partial<O>>;
  availability(): Availability;
  start(ctx: SourceContext): Promise<void>;
  stop(): Promise<void>;
  options(): O;
  /** Applies a validated patch; may restart what it needs to (a new speed restarts ffmpeg). */
  setOptions(patch: Partial<O>): void | Promise<void>;
  /** A line for people about the source now (the sender's name, the codec, the connection). */
  detail?(): string | undefined;
}
