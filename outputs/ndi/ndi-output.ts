import { z } from 'zod';
import {
  FOURCC_BGRA,
  FOURCC_UYVY,
  FRAME_FORMAT_PROGRESSIVE,
  TIMECODE_SYNTHESIZE,
  loadNdi,
} from '../../src/media/ndi-lib';
import type { NdiLib } from '../../src/media/ndi-lib';
import type { Availability, Output, OutputContext, OutputFrame, OutputStatus } from '../output';

export const ndiOptionsSchema = z.strictObject({
  /** The source name receivers list (as "MACHINE (name)"). */
  name: z.string().trim().min(1).max(200),
  /** BGRA keeps alpha and leaves the 4:2:2 conversion to NDI; UYVY is what NDI compresses, converted here once. */
  format: z.enum(['BGRA', 'UYVY']),
});
export type NdiOptions = z.infer<typeof ndiOptionsSchema>;

export const ndiDefaults: NdiOptions = { name: 'daydream-scope', format: 'BGRA' };

/** The seam for tests and for platforms without the runtime: what loads libndi. */
export type NdiLoader = () => { lib: NdiLib } | { reason: string };

/**
 * An NDI source. Frames go to NDIlib_send_send_video_v2 on a worker thread (koffi async) with clock_video off:
 * the engine is the clock. While one frame is being sent the hub holds back newer ones, so a slow network
 * drops frames here only. Renaming recreates the sender between two frames.
 */
export class NdiOutput implements Output<NdiOptions> {
  readonly kind = 'ndi';
  readonly name = 'NDI';
  readonly optionsSchema = ndiOptionsSchema.partial();
  private o: NdiOptions;
  private lib: NdiLib | undefined;
  private sender: unknown = null;
  private ctx: OutputContext | undefined;
  /** Sends and sender changes, in order: the sender is never destroyed under a frame in flight. */
  private queue: Promise<unknown> = Promise.resolve();
  private lastConnections = 0;
  framesSent = 0;

  constructor(
    readonly id = 'ndi',
    options: Partial<NdiOptions> = {},
    private readonly load: NdiLoader = loadNdi,
  ) {
    this.o = { ...ndiDefaults, ...options } satisfies NdiOptions;
  }

  availability(): Availability {
    const loaded = this.load();
    return 'lib' in loaded ? { available: true } : { available: false, reason: loaded.reason };
  }

  async start(ctx: OutputContext): Promise<void> {
    const loaded = this.load();
    if (!('lib' in loaded)) throw new Error(loaded.reason);
    this.lib = loaded.lib;
    this.ctx = ctx;
    this.createSender();
  }

  async stop(): Promise<void> {
    await this.serial(() => this.destroySender());
    this.ctx = undefined;
  }

  accept(frame: OutputFrame): Promise<void> | void {
    if (!this.lib || !this.sender) return;
    const uyvy = this.o.format === 'UYVY';
    const data = frame.pixels(uyvy ? 'uyvy' : 'bgra');
    const fps = this.ctx?.fps() ?? 30;
    const video = {
      xres: frame.width,
      yres: frame.height,
      FourCC: uyvy ? FOURCC_UYVY : FOURCC_BGRA,
      // 29.97 is 30000/1001 in NDI's terms; any rate goes in thousandths.
      frame_rate_N: Math.round(fps * 1000),
      frame_rate_D: 1000,
      picture_aspect_ratio: frame.width / frame.height,
      frame_format_type: FRAME_FORMAT_PROGRESSIVE,
      timecode: TIMECODE_SYNTHESIZE,
      p_data: data,
      line_stride_in_bytes: frame.width * (uyvy ? 2 : 4),
      p_metadata: null,
      timestamp: 0,
    };
    return this.serial(async () => {
      const lib = this.lib;
      const sender = this.sender;
      if (!lib || !sender) return;
      await lib.sendVideo(sender, video);
      this.framesSent++;
      this.noteConnections(lib, sender);
    });
  }

  status(): OutputStatus {
    const status: OutputStatus = { clients: this.lastConnections, urls: [`ndi://${this.o.name}`] };
    if (this.lib && !this.sender) status.error = `NDI could not create a sender named "${this.o.name}"`;
    return status;
  }

  options(): NdiOptions {
    return { ...this.o };
  }

  /** A new name or format: the sender is recreated between two frames, receivers see the new source. */
  async setOptions(patch: Partial<NdiOptions>): Promise<void> {
    const renamed = patch.name !== undefined && patch.name !== this.o.name;
    this.o = { ...this.o, ...patch };
    if (!renamed || !this.lib) return;
    await this.serial(() => {
      this.destroySender();
      this.createSender();
    });
  }

  /** Resolves once every frame handed over so far has been through libndi's send (and counted). */
  whenSent(): Promise<void> {
    return this.serial(() => undefined);
  }

  private createSender(): void {
    this.sender = this.lib!.sendCreate(this.o.name) ?? null;
    if (this.sender) this.ctx?.log(`NDI source "${this.o.name}" is on the network (NDI ${this.lib!.version}).`);
    else this.ctx?.log(`NDI could not create a sender named "${this.o.name}"; NDI output stays silent.`);
  }

  private destroySender(): void {
    if (this.lib && this.sender) this.lib.sendDestroy(this.sender);
    this.sender = null;
    this.lastConnections = 0;
  }

  private noteConnections(lib: NdiLib, sender: unknown): void {
    const n = lib.sendConnections(sender);
    if (n === this.lastConnections) return;
    this.lastConnections = n;
    this.ctx?.changed();
  }

  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
