/**
 * The KV cache of a stream as device tensors: per layer K and V of [1, slots, tokens, heads, head_dim], plus the
 * clean latents of every cached frame for recaching, all steered by the CachePolicy. Nothing here reads a cache
 * tensor: writes go through the writer graph, so the cache never leaves the device.
 */
import { CachePolicy } from './cache-policy';
import type { CachePolicyOptions } from './cache-policy';
import { cacheKey, cacheValue, newKey, newValue } from './contract';
import type { Device, DeviceTensor } from './device';
import { cacheSlots } from './export-config';
import type { ExportConfig } from './export-config';
import type { DeviceOps } from './ops';
import { SLOT_LATENTS } from './ops';

export class KvCache {
  readonly policy: CachePolicy;
  private tensors: Record<string, DeviceTensor> = {};

  constructor(
    private readonly device: Device,
    private readonly ops: DeviceOps,
    private readonly config: ExportConfig,
    policy: Omit<CachePolicyOptions, 'sinkFrames' | 'windowFrames' | 'blockFrames'> & Partial<CachePolicyOptions>,
  ) {
    this.policy = new CachePolicy({ ...config.cache, ...policy });
    if (this.policy.slots !== cacheSlots(config)) {
      throw new Error(
        `the block graph was exported for ${cacheSlots(config)} cache slots, the cache policy needs ${this.policy.slots}`,
      );
    }
  }

  /** Allocates the cache (zeros, on the device). */
  async init(): Promise<void> {
    const slots = this.policy.slots;
    const shapes = this.ops.cached.map((t) => ({ name: t.name, dims: [1, slots, ...t.inner] }));
    this.tensors = await this.ops.zeros(shapes);
  }

  /** Bytes the cache takes on the device (K and V of every layer, and the slot latents). */
  get bytes(): number {
    const per = this.config.dtype === 'float16' ? 2 : 4;
    return this.ops.cached.reduce((sum, t) => sum + per * this.policy.slots * t.inner.reduce((a, b) => a * b, 1), 0);
  }

  /** Bytes of K and V alone, the figure the models' papers quote. */
  get kvBytes(): number {
    const c = this.config;
    const per = c.dtype === 'float16' ? 2 : 4;
    return per * 2 * c.layers * this.policy.slots * c.tokensPerFrame * c.heads * c.headDim;
  }

  /** Forgets every cached frame; positions start at 0 again. The tensors stay (masked slots are never read). */
  reset(): void {
    this.policy.reset();
  }

  /** The cache inputs of a block forward: every layer's K and V. */
  feeds(): Record<string, DeviceTensor> {
    const out: Record<string, DeviceTensor> = {};
    for (let l = 0; l < this.config.layers; l++) {
      out[cacheKey(l)] = this.tensors[cacheKey(l)]!;
      out[cacheValue(l)] = this.tensors[cacheValue(l)]!;
    }
    return out;
  }

  /** The clean latents of cached frames, by slot, on the device. */
  async latentsOf(slots: readonly number[]): Promise<DeviceTensor> {
    return this.ops.gather(this.tensors[SLOT_LATENTS]!, slots);
  }

  /**
   * Writes a block's outputs (new_k.l / new_v.l of the committing forward, and its clean latents) into the slots
   * `index` names, then releases the block's K/V.
   */
  async write(block: Record<string, DeviceTensor>, latents: DeviceTensor, index: Int32Array): Promise<void> {
    const fresh: Record<string, DeviceTensor> = { [SLOT_LATENTS]: latents };
    for (let l = 0; l < this.config.layers; l++) {
      fresh[cacheKey(l)] = block[newKey(l)]!;
      fresh[cacheValue(l)] = block[newValue(l)]!;
    }
    this.tensors = await this.ops.write(this.tensors, fresh, index);
    await this.device.release(Object.values(fresh).filter((t) => t !== latents));
  }

  async release(): Promise<void> {
    await this.device.release(Object.values(this.tensors));
    this.tensors = {};
  }
}
