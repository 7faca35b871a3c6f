import { every } from '../../src/kernel/timers';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { GL_BGRA, openSpoutLibrary, spoutDllPath, spoutMissing } from '../../src/media/spout-library';
import { bgraToRgba } from '../../src/media/to-rgba';
import type { Availability, InputSource, SourceContext } from '../source';

export const spoutSourceOptionsSchema = z.strictObject({
  /** The sender to receive; empty takes the active sender (the one Spout's tray tool selects). */
  sender: z.string().max(256),
  /** How often the shared texture is read back, per second. */
  fps: z.number().int().min(1).max(120),
});
export type SpoutSourceOptions = z.infer<typeof spoutSourceOptionsSchema>;

/** The seam over SpoutLibrary.dll's receiver: what the source needs, fakeable in tests. */
export interface SpoutReceiver {
  setName(sender: string): void;
  /** The sender's size now (0 before a connection). */
  size(): { width: number; height: number };
  /** Reads the newest frame into `bgra` (width * height * 4); false when there is none or nothing connected. */
  receive(bgra: Uint8Array): boolean;
  /** True when the sender's size or name changed since the last receive: the buffer must be sized anew. */
  updated(): boolean;
  connected(): boolean;
  senderName(): string;
  release(): void;
}
export type SpoutReceiverLoader = (dllPath: string) => SpoutReceiver;

/**
 * The receiver's slots of SpoutLibrary.h (2.007.010+): SetReceiverName 14, ReleaseReceiver 15, ReceiveImage 17,
 * IsUpdated 18, IsConnected 19, GetSenderName 21, GetSenderWidth 22, GetSenderHeight 23.
 */
export const loadSpoutReceiver: SpoutReceiverLoader = (dllPath) => {
  const { koffi, call } = openSpoutLibrary(dllPath);
  const SetName = koffi.proto('void SpoutSetReceiverName(void *self, const char *name)');
  const Release = koffi.proto('void SpoutReleaseReceiver(void *self)');
  const Receive = koffi.proto(
    'bool SpoutReceiveImage(void *self, _Out_ uint8_t *pixels, uint32_t glFormat, bool invert, uint32_t hostFbo)',
  );
  const Flag = koffi.proto('bool SpoutFlag(void *self)');
  const Name = koffi.proto('const char *SpoutName(void *self)');
  const Size = koffi.proto('uint32_t SpoutSize(void *self)');
  return {
    setName: (sender) => call(14, SetName, sender || null),
    size: () => ({ width: call(22, Size) as number, height: call(23, Size) as number }),
    receive: (bgra) => call(17, Receive, bgra, GL_BGRA, false, 0) as boolean,
    updated: () => call(18, Flag) as boolean,
    connected: () => call(19, Flag) as boolean,
    senderName: () => (call(21, Name) as string | null) ?? '',
    release: () => call(15, Release),
  };
};

/**
 * A Spout receiver (Windows): the shared texture is read back to BGRA on a timer (SpoutLibrary's calls belong to
 * the thread that made its OpenGL context, so they stay on this one). Never run on Windows by its author.
 */
export class SpoutSource implements InputSource<SpoutSourceOptions> {
  readonly kind = 'spout';
  readonly optionsSchema = spoutSourceOptionsSchema.partial();
  private o: SpoutSourceOptions;
  private receiver: SpoutReceiver | undefined;
  private stopPolling: (() => void) | undefined;
  private buffer = new Uint8Array(0);
  private wasConnected = false;

  constructor(
    readonly id = 'spout',
    options: Partial<SpoutSourceOptions> = {},
    private readonly load: SpoutReceiverLoader = loadSpoutReceiver,
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly dllPath: string = spoutDllPath(),
    private readonly exists: (path: string) => boolean = existsSync,
  ) {
    this.o = { sender: '', fps: 60, ...options };
  }

  get name(): string {
    return this.o.sender ? `Spout ${this.o.sender}` : 'Spout (active sender)';
  }

  availability(): Availability {
    const missing = spoutMissing(this.platform, this.dllPath, this.exists);
    return missing ? { available: false, reason: missing } : { available: true };
  }

  async start(ctx: SourceContext): Promise<void> {
    const receiver = this.load(this.dllPath);
    receiver.setName(this.o.sender);
    this.receiver = receiver;
    ctx.waiting(this.o.sender ? `waiting for the Spout sender "${this.o.sender}"` : 'waiting for a Spout sender');
    this.stopPolling = every(ctx.timers, 1000 / this.o.fps, () => this.poll(receiver, ctx));
  }

  async stop(): Promise<void> {
    this.stopPolling?.();
    this.stopPolling = undefined;
    this.receiver?.release();
    this.receiver = undefined;
  }

  options(): SpoutSourceOptions {
    return { ...this.o };
  }

  setOptions(patch: Partial<SpoutSourceOptions>): void {
    this.o = { ...this.o, ...patch };
    if (patch.sender !== undefined) this.receiver?.setName(this.o.sender);
  }

  detail(): string | undefined {
    const name = this.receiver?.connected() ? this.receiver.senderName() : '';
    return name ? `from ${name}` : undefined;
  }

  private poll(receiver: SpoutReceiver, ctx: SourceContext): void {
    const { width, height } = receiver.size();
    if (receiver.updated() || this.buffer.length !== width * height * 4)
      this.buffer = new Uint8Array(width * height * 4);
    const got = width > 0 && height > 0 && receiver.receive(this.buffer);
    if (got) {
      this.wasConnected = true;
      const bgra = this.buffer.slice();
      ctx.frame({
        width,
        height,
        rgba: () => bgraToRgba(bgra, width, height),
        raw: { layout: 'bgra', width, height, data: bgra },
      });
    } else if (this.wasConnected && !receiver.connected()) {
      this.wasConnected = false;
      // SpoutLibrary keeps waiting for the named sender; the hub holds the last frame meanwhile.
      ctx.lost('the Spout sender closed; waiting for it to come back', false);
    }
  }
}
