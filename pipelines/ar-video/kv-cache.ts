/**
 * The KV cache of a stream as device tensors: per layer K and V of [1, slots, tokens, heads, head_dim], steered by
 * the CachePolicy. Nothing here reads a cache tensor: writes go through the writer graph, so the cache never leaves
 * the device. The `per-step` commit mode keeps one bank of these tensors per denoising step (StreamDiffusionV2's
 * stream batch keeps one cache per step), all with the same slots and positions; the other modes use one bank.
 */
import { CachePolicy } from './cache-policy';
import type { CachePolicyOptions } from './cache-policy';
import { cacheKey, cacheValue, newKey, newValue } from './contract';
import type { Device, DeviceTensor } from './device';
import { cacheSlots } from './export-config';
import type { ExportConfig } from './export-config';
import type { DeviceOps } from './ops';

export class KvCache {
  readonly policy: CachePolicy;
  private banks: Record<string, DeviceTensor>[] = [];

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

  /** Allocates the cache (one bank of zeros, on the device). */
  async init(): Promise<void> {
    await this.useBanks(1);
  }

  /** Banks allocated (one per denoising step in the per-step commit mode, else 1). */
  get bankCount(): number {
    return this.banks.length;
  }

  /** Allocates or releases banks until there are `n`; new banks are zeros. True when the count changed. */
  async useBanks(n: number): Promise<boolean> {
    if (!Number.isInteger(n) || n < 1) throw new Error(`a cache needs at least one bank, not ${n}`);
    if (n === this.banks.length) return false;
    const slots = this.policy.slots;
    while (this.banks.length > n) await this.device.release(Object.values(this.banks.pop()!));
    while (this.banks.length < n) {
      this.banks.push(
        await this.ops.zeros(this.ops.cached.map((t) => ({ name: t.name, dims: [1, slots, ...t.inner] }))),
      );
    }
    return true;
  }

  /** Bytes of K and V of one bank, the figure the models' papers quote. */
  get kvBytes(): number {
    const c = this.config;
    const per = c.dtype === 'float16' ? 2 : 4;
    return per * 2 * c.layers * this.policy.slots * c.tokensPerFrame * c.heads * c.headDim;
  }

  /** Bytes of every bank. */
  get bytes(): number {
    return this.kvBytes * this.banks.length;
  }

  /** Forgets every cached frame; positions start at 0 again. The tensors stay (masked slots are never read). */
  reset(): void {
    this.policy.reset();
  }

  /** The cache inputs of a block forward: every layer's K and V of bank `bank`. */
  feeds(bank = 0): Record<string, DeviceTensor> {
    const tensors = this.banks[bank];
    if (!tensors) throw new Error(`the cache has no bank ${bank}`);
    const out: Record<string, DeviceTensor> = {};
    for (let l = 0; l < this.config.layers; l++) {
      out[cacheKey(l)] = tensors[cacheKey(l)]!;
      out[cacheValue(l)] = tensors[cacheValue(l)]!;
    }
    return out;
  }

  /**
   * Writes a forward's new_k.l / new_v.l into the slots `index` names, in bank `bank`; the forward's K/V are
   * released unless `keep` (the same outputs written to several banks).
   */
  async write(block: Record<string, DeviceTensor>, index: Int32Array, bank = 0, keep = false): Promise<void> {
    const fresh: Record<string, DeviceTensor> = {};
    for (let l = 0; l < this.config.layers; l++) {
      fresh[cacheKey(l)] = block[newKey(l)]!;
      fresh[cacheValue(l)] = block[newValue(l)]!;
    }
    this.banks[bank] = await this.ops.write(this.banks[bank]!, fresh, index);
    if (!keep) await this.device.release(Object.values(fresh));
  }

  async release(): Promise<void> {
    for (const bank of this.banks) await this.device.release(Object.values(bank));
    this.banks = [];
  }
}
