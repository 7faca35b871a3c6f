import type { z } from 'zod';
import type { Frame } from '../src/engine/frame';
import type { OutputInfo, OutputKind, OutputLink, OutputSource, OutputState } from '../src/shared/outputs';

/** Pixel layouts an output may ask for; each is made at most once per frame and shared (see convert.ts). */
export type PixelFormat = 'rgba' | 'bgra' | 'uyvy' | 'i420';

/** A frame as the hub hands it out: the engine's frame plus its pixels in any format, converted lazily once. */
export interface OutputFrame extends Frame {
  pixels(format: PixelFormat): Uint8Array;
}

export type { OutputInfo, OutputKind, OutputLink, OutputSource, OutputState };

export type Availability = { available: true } | { available: false; reason: string };

/** What an output says about itself; the hub adds state, fps and drops. */
export interface OutputStatus {
  /** Receivers connected now (WHEP sessions, MJPEG clients, NDI connections). */
  clients: number;
  /** Where to receive it, for people (URLs or source names). */
  urls?: string[];
  /** Set when the output is running but unhealthy (e.g. a sender could not be created). */
  error?: string;
  /** Frames really delivered per second, when the output counts them itself (MJPEG sends per client). */
  fps?: number;
  /** For outputs that push to a remote endpoint: the link's state and bitrate. */
  link?: OutputLink;
}

/** Handed to start(): how an output logs and tells the hub its status changed (clients came or went). */
export interface OutputContext {
  log(message: string): void;
  changed(): void;
  /** The engine's target frame rate, for senders that announce one (NDI). */
  fps(): number;
}

/**
 * One sink. accept() must return at once: work that takes time goes into the returned promise, and until it
 * settles the hub holds back further frames for this output (keeping only the newest) and counts the rest as
 * dropped. An output whose platform or library is missing stays listed with availability() saying why.
 */
export interface Output<O extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: string;
  readonly kind: OutputKind;
  readonly name: string;
  /** Validates a PUT's options patch; strict, every key optional. */
  readonly optionsSchema: z.ZodType<Partial<O>>;
  availability(): Availability;
  start(ctx: OutputContext): Promise<void>;
  stop(): Promise<void>;
  accept(frame: OutputFrame): void | Promise<void>;
  status(): OutputStatus;
  options(): O;
  /** Applies a validated patch; may restart what it needs to (a new NDI name recreates the sender). */
  setOptions(patch: Partial<O>): void | Promise<void>;
}
