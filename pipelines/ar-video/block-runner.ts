/**
 * One block of the causal loop (Self-Forcing's per-block loop, as LongLive and StreamDiffusionV2 run it): a few
 * steps of x0 prediction and re-noising against the cache, then the block's K/V go into the cache, from a clean
 * pass at t = 0 or from the last step. Every tensor stays on the device; the host supplies noise and small inputs.
 */
import { MASKED } from './cache-policy';
import { newKey, newValue } from './contract';
import type { ArSession, Device, DeviceTensor } from './device';
import { f32, floatTensor } from './device';
import type { ExportConfig } from './export-config';
import type { KvCache } from './kv-cache';
import type { DeviceOps } from './ops';
import type { Step } from './schedule';

/** Which forward's K/V the cache keeps: a clean pass at t = 0 (Self-Forcing, LongLive) or the last step's. */
export type CommitMode = 'clean' | 'last-step';

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
        ...this.cache.feeds(),
      },
      this.outputs,
    );
  }

  /** Denoises one block and commits it to the cache; returns its clean latents (on the device, the caller's). */
  async generate(r: BlockRequest): Promise<DeviceTensor> {
    const bias = this.cache.policy.bias();
    const frames = r.positions.length;
    let x = r.start;
    let x0: DeviceTensor | undefined;
    let committing: Record<string, DeviceTensor> | undefined;
    for (const [i, step] of r.steps.entries()) {
      if (i > 0) {
        const noise = floatTensor(r.noise(i), this.latentDims(frames), this.config.dtype);
        const next = await this.ops.renoise(x0!, noise, step.sigma);
        await this.device.release([x0]);
        x = next;
      }
      const out = await this.forward(x, step.timestep, r.positions, r.context, bias);
      x0 = await this.ops.x0(x, out.flow!, step.sigma);
      const last = i === r.steps.length - 1;
      if (last && r.commit === 'last-step') committing = out;
      else await this.device.release(Object.values(out));
      await this.device.release([x]);
    }
    if (r.commit === 'clean') {
      committing = await this.forward(x0!, 0, r.positions, r.context, bias);
    }
    await this.device.release([committing!.flow]);
    await this.cache.write(committing!, x0!, this.cache.policy.append(r.positions));
    return x0!;
  }

  /**
   * Recomputes the K/V of cached frames under a new prompt (LongLive's re-cache on a prompt switch): their clean
   * latents run through the block at t = 0 with the new context, at their own positions. `keepSinks` re-runs the
   * rolling frames only, attending to the kept sinks (LongLive's global sink); otherwise every cached frame.
   */
  async recache(context: DeviceTensor, keepSinks: boolean): Promise<number> {
    const policy = this.cache.policy;
    const frames = keepSinks ? policy.rolling() : policy.filled();
    if (frames.length === 0) return 0;
    frames.sort((a, b) => a.position - b.position);
    const slots = frames.map((f) => f.slot);
    const latents = await this.cache.latentsOf(slots);
    const bias = keepSinks ? policy.sinkBias() : new Float32Array(policy.slots).fill(MASKED);
    const out = await this.forward(
      latents,
      0,
      frames.map((f) => f.position),
      context,
      bias,
    );
    await this.device.release([out.flow]);
    await this.cache.write(out, latents, policy.rewrite(slots));
    await this.device.release([latents]);
    return frames.length;
  }
}
