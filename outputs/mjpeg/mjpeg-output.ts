import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { FrameJpegs } from './frame-jpegs';
import { MjpegStreams } from './mjpeg-streams';
import type { Frame } from '../../src/engine/frame';
import type { Availability, Output, OutputContext, OutputFrame, OutputStatus } from '../output';

export const mjpegOptionsSchema = z.strictObject({
  quality: z.number().int().min(1).max(100),
  /** A cap on each client's rate; 0 follows the loop. */
  maxFps: z.number().min(0).max(240),
});
export type MjpegOptions = z.infer<typeof mjpegOptionsSchema>;

export const mjpegDefaults: MjpegOptions = { quality: 80, maxFps: 0 };

/** The newest frame the hub handed over, in the shape FrameJpegs reads from the engine. */
class FrameFeed {
  private frame: Frame | undefined;
  private readonly listeners = new Set<(frame: Frame) => void>();

  latest(): Frame | undefined {
    return this.frame;
  }

  onFrame(listener: (frame: Frame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(frame: Frame): void {
    this.frame = frame;
    for (const l of this.listeners) l(frame);
  }
}

/**
 * MJPEG (`/api/v1/stream.mjpeg`, `/api/v1/frame`) as an output of the hub. The streams stay pull-based: a JPEG
 * is encoded only when a client is ready for one, at most once per frame, so accept() only records the frame.
 * It brings its own routes (routes.ts), as WHEP does.
 */
export class MjpegOutput implements Output<MjpegOptions> {
  readonly kind = 'mjpeg';
  readonly name = 'MJPEG';
  readonly optionsSchema = mjpegOptionsSchema.partial();
  readonly jpegs: FrameJpegs;
  readonly streams: MjpegStreams;
  private readonly feed = new FrameFeed();
  private o: MjpegOptions;
  private rate = { at: performance.now(), sent: 0, fps: 0 };

  constructor(
    readonly id = 'mjpeg',
    options: Partial<MjpegOptions> = {},
    log: (message: string) => void = () => {},
  ) {
    this.o = { ...mjpegDefaults, ...options } satisfies MjpegOptions;
    this.jpegs = new FrameJpegs(this.feed, { quality: this.o.quality, log });
    this.streams = new MjpegStreams(this.jpegs, { maxFps: this.o.maxFps });
    // Until the hub starts it, requests are refused rather than left waiting for frames that never come.
    this.streams.enabled = false;
  }

  availability(): Availability {
    return { available: true };
  }

  async start(_ctx: OutputContext): Promise<void> {
    this.streams.enabled = true;
  }

  async stop(): Promise<void> {
    this.streams.enabled = false;
    this.streams.endAll();
  }

  accept(frame: OutputFrame): void {
    this.feed.publish(frame);
  }

  status(): OutputStatus {
    // Parts per second per client, measured over at least a second.
    const now = performance.now();
    if (now - this.rate.at >= 1000) {
      const clients = Math.max(1, this.streams.count);
      this.rate = {
        at: now,
        sent: this.streams.sent,
        fps: ((this.streams.sent - this.rate.sent) * 1000) / (now - this.rate.at) / clients,
      };
    }
    return {
      clients: this.streams.count,
      fps: Math.round(this.rate.fps * 10) / 10,
      urls: ['/api/v1/stream.mjpeg', '/api/v1/frame'],
    };
  }

  options(): MjpegOptions {
    return { ...this.o };
  }

  setOptions(patch: Partial<MjpegOptions>): void {
    this.o = { ...this.o, ...patch };
    this.jpegs.setQuality(this.o.quality);
    this.streams.maxFps = this.o.maxFps;
  }

  /** Ends the JPEG cache (server stop). */
  close(): void {
    this.jpegs.close();
  }
}
