/**
 * One block of the causal loop (Self-Forcing's per-block loop, as LongLive and StreamDiffusionV2 run it): a few
 * steps of x0 prediction and re-noising against the cache, then the block's K/V go into the cache: from a clean
 * pass at t = 0, from the last step, or each step's into that step's own bank. Every tensor stays on the device;
 * the host supplies noise and small inputs.
 */
import { newKey, newValue } from './contract';
import type { ArSession, Device, DeviceTensor } from './device';
import { f32, floatTensor } from './device';
import type { ExportConfig } from './export-config';
import type { KvCache } from './kv-cache';
import type { LatentHistory } from './latent-history';
import type { DeviceOps } from './ops';
import type { Step } from './schedule';

/**
 * Which forward's K/V the cache keeps: a clean pass at t = 0 (Self-Forcing, LongLive), the last step's, or
 * `per-step`: one cache bank per denoising step, step i attending to and writing bank i (StreamDiffusionV2's
 * stream batch, where the batch slot of step i keeps its own copy of the cache).
 */
export type CommitMode = 'clean' | 'last-step' | 'per-step';

export interface BlockRequest {
  /** RoPE positions of the block's frames (from the cache policy). */
  positions: number[];
  steps: Step[];
  /** The text context, on the device. */
  context: DeviceTensor;
  /** Latents at the first step's noise level; the runner releases them. */
  start: DeviceTensor;
  /** Fresh noise for re-noising before step `i` (i >= 1), float32 values of the block's latent size. */
  noise: (step: number) => Float32Array;
  commit: CommitMode;
  /**
   * Per-step only: the stream's first chunk. Upstream denoises it with one cache before the stream batch starts
   * and then copies that cache to every step (prepare() repeats kv_cache over the batch): the last step's K/V go
   * into every bank.
   */
  prime?: boolean;
}

export class BlockRunner {
  /** Block forwards run since the runner was made, for the bench. */
  forwards = 0;

  constructor(
    private readonly device: Device,
    private readonly ops: DeviceOps,
    private readonly block: ArSession,
    private readonly cache: KvCache,
    private readonly config: ExportConfig,
  ) {}

  private get outputs(): string[] {
    const names = ['flow'];
    for (let l = 0; l < this.config.layers; l++) names.push(newKey(l), newValue(l));
    return names;
  }

  /** Latent values of `frames` frames. */
  latentSize(frames: number): number {
    const { channels, height, width } = this.config.latent;
    return frames * channels * height * width;
  }

  latentDims(frames: number): number[] {
    const { channels, height, width } = this.config.latent;
    return [1, frames, channels, height, width];
  }

  /** One forward of the block; every output is kept on the device. */
  private async forward(
    latents: DeviceTensor,
    timestep: number,
    positions: number[],
    context: DeviceTensor,
    bias: Float32Array,
    bank: number,
  ): Promise<Record<string, DeviceTensor>> {
    const frames = positions.length;
    this.forwards++;
    return this.device.run(
      this.block,
      {
        latents,
        timesteps: f32(new Array<number>(frames).fill(timestep), [1, frames]),
        context,
        frame_positions: f32(positions, [frames]),
        cache_bias: f32(bias, [bias.length]),
        ...this.cache.feeds(bank),
      },
      this.outputs,
    );
  }

  /** Denoises one block and commits it to the cache; returns its clean latents (on the device, the caller's). */
  async generate(r: BlockRequest): Promise<DeviceTensor> {
    const bias = this.cache.policy.bias();
    const frames = r.positions.length;
    const perStep = r.commit === 'per-step';
    if (perStep && this.cache.bankCount !== r.steps.length) {
      throw new Error(`per-step commit needs ${r.steps.length} cache banks, the cache has ${this.cache.bankCount}`);
    }
    let x = r.start;
    let x0: DeviceTensor | undefined;
    // Outputs whose K/V are committed after the block: per step (per-step), or the last step's (last-step).
    const committing: Record<string, DeviceTensor>[] = [];
    for (const [i, step] of r.steps.entries()) {
      if (i > 0) {
        const noise = floatTensor(r.noise(i), this.latentDims(frames), this.config.dtype);
        const next = await this.ops.renoise(x0!, noise, step.sigma);
        await this.device.release([x0]);
        x = next;
      }
      const bank = perStep && !r.prime ? i : 0;
      const { flow, ...kv } = await this.forward(x, step.timestep, r.positions, r.context, bias, bank);
      x0 = await this.ops.x0(x, flow!, step.sigma);
      await this.device.release([flow, x]);
      const last = i === r.steps.length - 1;
      if ((perStep && !r.prime) || (last && r.commit !== 'clean')) committing.push(kv);
      else await this.device.release(Object.values(kv));
    }
    if (r.commit === 'clean') {
      const { flow, ...kv } = await this.forward(x0!, 0, r.positions, r.context, bias, 0);
      await this.device.release([flow]);
      committing.push(kv);
    }
    const index = this.cache.policy.append(r.positions);
    if (perStep && r.prime) {
      for (let bank = 0; bank < this.cache.bankCount; bank++) {
        await this.cache.write(committing[0]!, index, bank, bank < this.cache.bankCount - 1);
      }
    } else {
      for (const [bank, out] of committing.entries()) await this.cache.write(out, index, bank);
    }
    return x0!;
  }

  /**
   * Recomputes the K/V of cached frames under a new prompt (LongLive's re-cache after a prompt switch): the clean
   * latents of the frames the cache policy names run through the block at t = 0 with the new context, at their
   * own positions, and their K/V are rewritten in place (see CachePolicy.recache for which frames and why). With
   * several banks each bank is recomputed against its own sinks. Returns the frames run.
   */
  async recache(context: DeviceTensor, mode: 'keep-sinks' | 'all', history: LatentHistory): Promise<number> {
    const plan = this.cache.policy.recache(mode);
    if (plan.positions.length === 0) return 0;
    const latents = await history.latentsOf(plan.positions);
    for (let bank = 0; bank < this.cache.bankCount; bank++) {
      const out = await this.forward(latents, 0, plan.positions, context, plan.bias, bank);
      await this.device.release([out.flow]);
      await this.cache.write(out, plan.index, bank);
    }
    await this.device.release([latents]);
    return plan.positions.length;
  }
}
