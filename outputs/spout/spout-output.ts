import { existsSync } from 'node:fs';
import { z } from 'zod';
import { GL_BGRA, openSpoutLibrary, spoutDllPath, spoutMissing } from '../../src/media/spout-library';
import type { Availability, Output, OutputContext, OutputFrame, OutputStatus } from '../output';

export const spoutOptionsSchema = z.strictObject({ name: z.string().trim().min(1).max(255) });
export type SpoutOptions = z.infer<typeof spoutOptionsSchema>;

/** The seam over SpoutLibrary.dll: one sender object. */
export interface SpoutSender {
  setName(name: string): void;
  /** BGRA pixels, top row first. */
  sendImage(bgra: Uint8Array, width: number, height: number): boolean;
  release(): void;
}
export type SpoutLoader = (dllPath: string) => SpoutSender;

/**
 * The sender's slots of SpoutLibrary's vtable (SetSenderName 0, ReleaseSender 2, SendImage 5 in SpoutLibrary.h).
 */
export const loadSpoutLibrary: SpoutLoader = (dllPath) => {
  const { koffi, call } = openSpoutLibrary(dllPath);
  const SetName = koffi.proto('void SpoutSetName(void *self, const char *name)');
  const Release = koffi.proto('void SpoutReleaseSender(void *self, uint32_t msec)');
  const SendImage = koffi.proto(
    'bool SpoutSendImage(void *self, const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t glFormat, bool invert)',
  );
  return {
    setName: (name) => call(0, SetName, name),
    sendImage: (bgra, width, height) => call(5, SendImage, bgra, width, height, GL_BGRA, false) as boolean,
    release: () => call(2, Release, 0),
  };
};

/** A Spout sender (Windows) through SpoutLibrary.dll. Never run on Windows by its author; see docs/outputs.md. */
export class SpoutOutput implements Output<SpoutOptions> {
  readonly kind = 'spout';
  readonly name = 'Spout';
  readonly optionsSchema = spoutOptionsSchema.partial();
  private o: SpoutOptions;
  private sender: SpoutSender | undefined;
  private failed = false;

  constructor(
    readonly id = 'spout',
    options: Partial<SpoutOptions> = {},
    private readonly load: SpoutLoader = loadSpoutLibrary,
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly dllPath: string = spoutDllPath(),
    private readonly exists: (path: string) => boolean = existsSync,
  ) {
    this.o = { name: 'daydream-scope', ...options };
  }

  availability(): Availability {
    const missing = spoutMissing(this.platform, this.dllPath, this.exists);
    return missing ? { available: false, reason: missing } : { available: true };
  }

  async start(ctx: OutputContext): Promise<void> {
    this.sender = this.load(this.dllPath);
    this.sender.setName(this.o.name);
    this.failed = false;
    ctx.log(`Spout sender "${this.o.name}" is ready.`);
  }

  async stop(): Promise<void> {
    this.sender?.release();
    this.sender = undefined;
  }

  accept(frame: OutputFrame): void {
    if (!this.sender) return;
    const ok = this.sender.sendImage(frame.pixels('bgra'), frame.width, frame.height);
    this.failed = !ok;
    // The hub counts the throw as this output's failure; the loop never sees it.
    if (!ok) throw new Error('Spout SendImage failed (no OpenGL/DirectX device?)');
  }

  status(): OutputStatus {
    return { clients: 0, urls: [`spout://${this.o.name}`], ...(this.failed ? { error: 'sending fails' } : {}) };
  }

  options(): SpoutOptions {
    return { ...this.o };
  }

  setOptions(patch: Partial<SpoutOptions>): void {
    this.o = { ...this.o, ...patch };
    if (patch.name) this.sender?.setName(this.o.name);
  }
}
