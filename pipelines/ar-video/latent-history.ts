/**
 * The clean latents of the last `windowFrames` generated frames, on the device: what a recache re-runs under a new
 * prompt (LongLive re-runs the last `local_attn_size` frames, more than the cache's slots hold). The host keeps
 * which position each history slot holds; the tensor is written with the slot writer and read with a gather.
 */
import type { Device, DeviceTensor } from './device';
import type { DeviceOps } from './ops';
import { HISTORY } from './ops';

export class LatentHistory {
  private tensor: DeviceTensor | undefined;
  private held: (number | null)[];
  /** Slots, oldest write first. */
  private order: number[] = [];

  constructor(
    private readonly device: Device,
    private readonly ops: DeviceOps,
  ) {
    this.held = new Array<number | null>(ops.history.slots).fill(null);
  }

  async init(): Promise<void> {
    const { slots, inner } = this.ops.history;
    this.tensor = (await this.ops.zeros([{ name: HISTORY, dims: [1, slots, ...inner] }]))[HISTORY];
  }

  /** Forgets every frame (the tensor stays: slots not held are never read). */
  reset(): void {
    this.held.fill(null);
    this.order = [];
  }

  /** Positions held, in slot order (null: empty). */
  positions(): (number | null)[] {
    return [...this.held];
  }

  /** Keeps a block's clean latents (frame i at positions[i]), evicting the oldest frames. */
  async push(latents: DeviceTensor, positions: readonly number[]): Promise<void> {
    const slots = this.held.length;
    const index = Int32Array.from({ length: slots }, (_, s) => s);
    positions.forEach((position, i) => {
      // A frame at a position already held (a rewind) replaces it; else the first free slot, else the oldest.
      let slot = this.held.indexOf(position);
      if (slot < 0) slot = this.held.indexOf(null);
      if (slot < 0) slot = this.order[0]!;
      this.order = [...this.order.filter((s) => s !== slot), slot];
      this.held[slot] = position;
      index[slot] = slots + i;
    });
    this.tensor = await this.ops.writeHistory(this.tensor!, latents, index);
  }

  /** The latents of these positions, in this order, as one [1, n, ...] tensor (the caller releases it). */
  async latentsOf(positions: readonly number[]): Promise<DeviceTensor> {
    const slots = positions.map((p) => {
      const slot = this.held.indexOf(p);
      if (slot < 0) throw new Error(`frame ${p} is no longer in the latent history`);
      return slot;
    });
    return this.ops.gather(this.tensor!, slots);
  }

  async release(): Promise<void> {
    await this.device.release([this.tensor]);
    this.tensor = undefined;
  }
}
