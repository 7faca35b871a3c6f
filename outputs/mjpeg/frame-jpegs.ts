import sharp from 'sharp';
import type { Engine } from '../../src/engine/engine';
import type { Frame } from '../../src/engine/frame';

export interface Jpeg {
  seq: number;
  timestamp: number;
  pipelineId: string;
  width: number;
  height: number;
  data: Buffer;
}

export interface FrameJpegsOptions {
  quality: number;
  log: (message: string) => void;
}

const defaults: FrameJpegsOptions = { quality: 80, log: () => {} };

/** Raw RGBA to JPEG with sharp (off the main thread, on libuv's pool); mozjpeg off, it is several times slower. */
export async function encodeJpeg(frame: Frame, quality: number): Promise<Buffer> {
  return sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 4 } })
    .removeAlpha()
    .jpeg({ quality, mozjpeg: false })
    .toBuffer();
}

/**
 * JPEGs of the engine's newest frame, shared by every MJPEG client and /api/v1/frame. A frame is encoded only
 * when someone asks, at most once, with at most one encode in flight; the newest frame wins. Nothing here runs
 * on the engine's loop except waking waiters.
 */
export class FrameJpegs {
  private readonly o: FrameJpegsOptions;
  private cache: (Jpeg & { source: Uint8Array }) | undefined;
  private inFlight: Promise<void> | undefined;
  private failedSeq = -1;
  private failures = 0;
  private waiters = new Set<() => void>();
  private closed = false;
  private readonly unsubscribe: () => void;
  /** Encodes done since start (tests check that frames are shared). */
  encodes = 0;

  constructor(
    private readonly engine: Pick<Engine, 'latest' | 'onFrame'>,
    options: Partial<FrameJpegsOptions> = {},
  ) {
    this.o = { ...defaults, ...options } satisfies FrameJpegsOptions;
    this.unsubscribe = engine.onFrame(() => this.wake());
  }

  get quality(): number {
    return this.o.quality;
  }

  /** Changes the quality of the next encodes (the MJPEG output's option); the cached JPEG is dropped. */
  setQuality(quality: number): void {
    if (quality === this.o.quality) return;
    this.o.quality = quality;
    this.cache = undefined;
  }

  /**
   * The JPEG of the newest frame with a seq above `after`, waiting for one if needed. Undefined once closed or
   * aborted.
   */
  async next(after: number, signal?: AbortSignal): Promise<Jpeg | undefined> {
    for (;;) {
      if (this.closed || signal?.aborted) return undefined;
      const frame = this.engine.latest();
      if (!frame || frame.seq <= after || frame.seq === this.failedSeq) {
        await this.nextFrame(signal);
        continue;
      }
      const cache = this.cache;
      if (cache && cache.seq === frame.seq) return cache;
      if (cache && frame.repeated && frame.data === cache.source) {
        // The last good image sent again: same pixels, so the same bytes under the new seq.
        this.cache = { ...cache, seq: frame.seq, timestamp: frame.timestamp, pipelineId: frame.pipelineId };
        return this.cache;
      }
      // One encode at a time; when it ends take its result if it is new to this caller, even if the engine has
      // moved on, or a slow encoder would never hand anything out.
      if (!this.inFlight) this.inFlight = this.encode(frame).finally(() => (this.inFlight = undefined));
      await this.inFlight;
      if (this.cache && this.cache.seq > after) return this.cache;
    }
  }

  /** Wakes every waiter with `undefined` and stops listening to the engine. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.wake();
  }

  private async encode(frame: Frame): Promise<void> {
    try {
      const data = await encodeJpeg(frame, this.o.quality);
      this.encodes++;
      this.failures = 0;
      if (!this.cache || frame.seq > this.cache.seq) {
        const { seq, timestamp, pipelineId, width, height } = frame;
        this.cache = { seq, timestamp, pipelineId, width, height, data, source: frame.data };
      }
    } catch (err) {
      // Skip this frame rather than retry it forever; say so at the start of a failing streak and now and then.
      this.failures++;
      if (this.failures === 1 || this.failures % 100 === 0) {
        this.o.log(`JPEG encoding failed for frame ${frame.seq} (${this.failures}x): ${(err as Error).message}`);
      }
      this.failedSeq = frame.seq;
    }
  }

  private nextFrame(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) waiter();
  }
}
