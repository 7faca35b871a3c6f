import { z } from 'zod';
import { FOURCC_UYVY, RECV_COLOR_BGRX_BGRA, RECV_COLOR_UYVY_BGRA, loadNdi } from '../../src/media/ndi-lib';
import { bgraToRgba, uyvyToRgba } from '../../src/media/to-rgba';
import type { NdiLib } from '../../src/media/ndi-lib';
import type { Availability, InputSource, SourceContext } from '../source';

export const ndiSourceOptionsSchema = z.strictObject({
  /** The sender as NDI lists it (`MACHINE (name)`), or the part in brackets. */
  name: z.string().trim().min(1).max(256),
  /** Comma-separated addresses to look for senders at, besides mDNS (other subnets; 127.0.0.1). */
  extraIps: z.string().max(1000),
  /** bgra: NDI converts to 4 bytes a pixel; uyvy: half the bytes over the wire, converted here (alpha still BGRA). */
  format: z.enum(['bgra', 'uyvy']),
});
export type NdiSourceOptions = z.infer<typeof ndiSourceOptionsSchema>;

export const ndiSourceDefaults: Omit<NdiSourceOptions, 'name'> = { extraIps: '', format: 'bgra' };

/** The seam for tests and for platforms without the runtime: what loads libndi. */
export type NdiLoader = () => { lib: NdiLib } | { reason: string };

/** How long one wait for a frame may block a koffi worker thread; stop() waits at most this long. */
const CAPTURE_MS = 250;
const FIND_EVERY_MS = 250;

/** `name` matches a full NDI name, or the part in its brackets (`MACHINE (name)`). */
export function ndiNameMatches(full: string, name: string): boolean {
  return full === name || full.endsWith(`(${name})`);
}

/**
 * Receives one NDI sender by name. The receiver is created by name only (no address), so NDI itself reconnects
 * when the sender comes back, wherever it comes back; while it is gone the hub holds the last frame. Waiting for
 * a frame happens on a koffi worker thread, never on the loop.
 */
export class NdiSource implements InputSource<NdiSourceOptions> {
  readonly kind = 'ndi';
  readonly optionsSchema = ndiSourceOptionsSchema.partial();
  private o: NdiSourceOptions;
  private running: Promise<void> | undefined;
  private token = 0;
  private connected: string | undefined;
  private ctx: SourceContext | undefined;

  constructor(
    readonly id: string,
    options: Partial<NdiSourceOptions> & { name: string },
    private readonly load: NdiLoader = loadNdi,
  ) {
    this.o = { ...ndiSourceDefaults, ...options } satisfies NdiSourceOptions;
  }

  get name(): string {
    return `NDI ${this.o.name}`;
  }

  availability(): Availability {
    const loaded = this.load();
    return 'lib' in loaded ? { available: true } : { available: false, reason: loaded.reason };
  }

  async start(ctx: SourceContext): Promise<void> {
    const loaded = this.load();
    if (!('lib' in loaded)) throw new Error(loaded.reason);
    this.ctx = ctx;
    const token = ++this.token;
    this.running = this.receive(loaded.lib, ctx, () => token === this.token).catch((err: Error) =>
      ctx.lost(`NDI receiving failed: ${err.message}`),
    );
  }

  async stop(): Promise<void> {
    this.token++;
    this.ctx = undefined;
    await this.running;
    this.running = undefined;
  }

  options(): NdiSourceOptions {
    return { ...this.o };
  }

  /** Another sender name, addresses or format: the receiver is made anew. */
  async setOptions(patch: Partial<NdiSourceOptions>): Promise<void> {
    this.o = { ...this.o, ...patch };
    const ctx = this.ctx;
    if (!ctx) return;
    await this.stop();
    await this.start(ctx);
  }

  detail(): string | undefined {
    return this.connected && `from ${this.connected}`;
  }

  private async receive(lib: NdiLib, ctx: SourceContext, live: () => boolean): Promise<void> {
    const { name, extraIps, format } = this.o;
    const finder = lib.findCreate(extraIps);
    if (!finder) throw new Error('NDI could not start looking for senders');
    let receiver: unknown = null;
    try {
      ctx.waiting(`looking for NDI sender "${name}"${extraIps ? ` (also at ${extraIps})` : ''}`);
      let full: string | undefined;
      while (live() && !full) {
        full = lib.findSources(finder).find((s) => ndiNameMatches(s.name, name))?.name;
        if (!full) await new Promise((r) => setTimeout(r, FIND_EVERY_MS));
      }
      if (!live() || !full) return;
      const color = format === 'uyvy' ? RECV_COLOR_UYVY_BGRA : RECV_COLOR_BGRX_BGRA;
      receiver = lib.recvCreate({ name: full, url: null }, 'daydream-scope input', color);
      if (!receiver) throw new Error(`NDI could not create a receiver for "${full}"`);
      this.connected = full;
      ctx.changed();
      while (live()) {
        const f = await lib.recvVideo(receiver, CAPTURE_MS);
        if (!f || !live()) continue;
        const { width, height, stride, data } = f;
        const uyvy = f.fourcc === FOURCC_UYVY;
        ctx.frame({
          width,
          height,
          rgba: () => (uyvy ? uyvyToRgba(data, width, height, stride) : bgraToRgba(data, width, height, stride)),
          raw: { layout: uyvy ? 'uyvy' : 'bgra', width, height, data, stride },
        });
      }
    } finally {
      this.connected = undefined;
      if (receiver) lib.recvDestroy(receiver);
      lib.findDestroy(finder);
    }
  }
}
