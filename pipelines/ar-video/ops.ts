/** The device ops of one loaded export, opened once: see graphs/device-ops.ts for what each computes. */
import { cacheKey, cacheValue } from './contract';
import type { ArSession, Device, DeviceTensor } from './device';
import { f32, i64 } from './device';
import { cacheSlots } from './export-config';
import type { ExportConfig } from './export-config';
import {
  buildDenoiseStep,
  buildFrameConcat,
  buildFrameGather,
  buildRenoise,
  buildSlotWriter,
  buildZeros,
} from './graphs/device-ops';
import type { FloatType, FrameTensor } from './graphs/device-ops';

/** Name of the history tensor: the clean latents of the last `windowFrames` frames (what a recache re-runs). */
export const HISTORY = 'history';

export class DeviceOps {
  private readonly zeroSessions = new Map<string, ArSession>();

  private constructor(
    private readonly device: Device,
    readonly type: FloatType,
    readonly cached: FrameTensor[],
    private readonly writer: ArSession,
    private readonly step: ArSession,
    private readonly mix: ArSession,
    private readonly gatherFrames: ArSession,
    private readonly concatFrames: ArSession,
    private readonly historyWriter: ArSession,
    /** The history's frame slots, with its inner shape. */
    readonly history: FrameTensor & { slots: number },
  ) {}

  static async open(device: Device, c: ExportConfig): Promise<DeviceOps> {
    const latent = [c.latent.channels, c.latent.height, c.latent.width];
    const kv = [c.tokensPerFrame, c.heads, c.headDim];
    const cached: FrameTensor[] = [];
    for (let l = 0; l < c.layers; l++)
      cached.push({ name: cacheKey(l), inner: kv }, { name: cacheValue(l), inner: kv });
    const history = { name: HISTORY, inner: latent, slots: c.cache.windowFrames };
    const t = c.dtype;
    return new DeviceOps(
      device,
      t,
      cached,
      await device.open('cache writer', buildSlotWriter(cached, cacheSlots(c), t)),
      await device.open('x0 step', buildDenoiseStep(latent, t)),
      await device.open('re-noise', buildRenoise(latent, t)),
      await device.open('frame gather', buildFrameGather(latent, t)),
      await device.open('frame concat', buildFrameConcat(latent, t)),
      await device.open('history writer', buildSlotWriter([history], history.slots, t)),
      history,
    );
  }

  /** Zeros of these shapes, made on the device (the graph for a set of shapes is opened once). */
  async zeros(shapes: { name: string; dims: number[] }[]): Promise<Record<string, DeviceTensor>> {
    const key = JSON.stringify(shapes);
    let session = this.zeroSessions.get(key);
    if (!session) {
      session = await this.device.open('zeros', buildZeros(shapes.map((s) => ({ ...s, type: this.type }))));
      this.zeroSessions.set(key, session);
    }
    const feeds = Object.fromEntries(shapes.map((s) => [`shape.${s.name}`, i64(s.dims)]));
    return this.device.run(
      session,
      feeds,
      shapes.map((s) => s.name),
    );
  }

  /**
   * The slot tensors after a write: `next[X] = gather(concat(cache[X], fresh[X]), index)`. Every tensor in
   * `cached` must be given in both; the old ones are released.
   */
  async write(
    cache: Record<string, DeviceTensor>,
    fresh: Record<string, DeviceTensor>,
    index: Int32Array,
  ): Promise<Record<string, DeviceTensor>> {
    const feeds: Record<string, DeviceTensor> = { index: i64(index) };
    for (const { name } of this.cached) {
      feeds[name] = cache[name]!;
      feeds[`new.${name}`] = fresh[name]!;
    }
    const names = this.cached.map((t) => `next.${t.name}`);
    const out = await this.device.run(this.writer, feeds, names);
    await this.device.release(this.cached.map((t) => cache[t.name]));
    return Object.fromEntries(this.cached.map((t) => [t.name, out[`next.${t.name}`]!]));
  }

  /** x0 = x - σ·flow. */
  async x0(x: DeviceTensor, flow: DeviceTensor, sigma: number): Promise<DeviceTensor> {
    return (await this.device.run(this.step, { x, flow, sigma: f32([sigma], [1]) }, ['x0'])).x0!;
  }

  /** (1-σ)·x0 + σ·noise. */
  async renoise(x0: DeviceTensor, noise: DeviceTensor, sigma: number): Promise<DeviceTensor> {
    return (await this.device.run(this.mix, { x0, noise, sigma: f32([sigma], [1]) }, ['x'])).x!;
  }

  /** The history after a write: `Gather(Concat(history, fresh), index)`; the old tensor is released. */
  async writeHistory(history: DeviceTensor, fresh: DeviceTensor, index: Int32Array): Promise<DeviceTensor> {
    const out = await this.device.run(
      this.historyWriter,
      { index: i64(index), [HISTORY]: history, [`new.${HISTORY}`]: fresh },
      [`next.${HISTORY}`],
    );
    await this.device.release([history]);
    return out[`next.${HISTORY}`]!;
  }

  /** Frames of `a`, then frames of `b`. */
  async concat(a: DeviceTensor, b: DeviceTensor): Promise<DeviceTensor> {
    return (await this.device.run(this.concatFrames, { a, b }, ['frames'])).frames!;
  }

  /** Frames `index` of a [1, frames, ...latent] tensor. */
  async gather(slots: DeviceTensor, index: readonly number[]): Promise<DeviceTensor> {
    return (await this.device.run(this.gatherFrames, { slots, index: i64(index) }, ['frames'])).frames!;
  }
}
