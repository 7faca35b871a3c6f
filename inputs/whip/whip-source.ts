import { z } from 'zod';
import { i420ToRgba } from '../../src/media/to-rgba';
import { loadWrtc, wrtcAvailability } from '../../src/media/wrtc';
import type { Availability, InputSource, SourceContext } from '../source';

/** A publishing session as the source sees it: frames come through `onFrame`; `close` ends it. */
export interface WhipSession {
  id: string;
  close(): void;
}

/** I420 frames as RTCVideoSink hands them over. */
export interface I420Frame {
  width: number;
  height: number;
  data: Uint8Array;
}

const noOptions = z.strictObject({});

/** libyuv through @roamhq/wrtc when it loads (several times faster than JS), else the JS conversion. */
function i420Converter(): (frame: I420Frame) => Uint8Array {
  const loaded = loadWrtc();
  if (!('wrtc' in loaded)) return (f) => i420ToRgba(f.data, f.width, f.height);
  const { i420ToRgba: native } = loaded.wrtc.nonstandard;
  return (f) => {
    const rgba = { width: f.width, height: f.height, data: new Uint8Array(f.width * f.height * 4) };
    native(f, rgba);
    return rgba.data;
  };
}

/**
 * One WHIP publishing slot (`/whip` or `/whip/<slot>`): the picture of whoever publishes there. A new publisher
 * replaces the one before; when the publisher leaves, the last frame is held until someone publishes again.
 */
export class WhipSource implements InputSource<Record<string, never>> {
  readonly kind = 'whip';
  readonly optionsSchema = noOptions.partial();
  private ctx: SourceContext | undefined;
  private session: WhipSession | undefined;
  private readonly toRgba = i420Converter();
  private publisher: string | undefined;

  constructor(
    readonly id: string,
    /** The URL path publishers POST to. */
    readonly path: string,
  ) {}

  get name(): string {
    return `WHIP ${this.path}`;
  }

  availability(): Availability {
    return wrtcAvailability();
  }

  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    if (!this.session) ctx.waiting(`waiting for a publisher at ${this.path}`);
  }

  async stop(): Promise<void> {
    this.ctx = undefined;
    this.session?.close();
    this.session = undefined;
  }

  /** Takes over a new session, closing the one before (the newest publisher wins). */
  attach(session: WhipSession, publisher: string): void {
    const old = this.session;
    this.session = session;
    this.publisher = publisher;
    if (old) {
      old.close();
      this.ctx?.log(`WHIP ${this.path}: a new publisher replaced the one before.`);
    }
    this.ctx?.changed();
  }

  /** A decoded frame of `session`; frames of a replaced session are dropped. */
  frame(session: WhipSession, frame: I420Frame): void {
    if (session !== this.session || !this.ctx) return;
    const { width, height } = frame;
    // Lazily: only a frame that is used costs a conversion, and a scaled one is sampled straight from I420.
    this.ctx.frame({
      width,
      height,
      rgba: () => this.toRgba(frame),
      raw: { layout: 'i420', width, height, data: frame.data },
    });
  }

  /** `session` ended (DELETE, ICE failure, timeout); the last frame is held until someone publishes again. */
  ended(session: WhipSession, reason: string): void {
    if (session !== this.session) return;
    this.session = undefined;
    this.ctx?.lost(`${reason}; holding the last frame until someone publishes at ${this.path}`, false);
  }

  get publishing(): boolean {
    return this.session !== undefined;
  }

  options(): Record<string, never> {
    return {};
  }

  setOptions(): void {}

  detail(): string | undefined {
    return this.session ? `publisher ${this.publisher ?? ''}`.trim() : undefined;
  }
}
