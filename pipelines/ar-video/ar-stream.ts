/**
 * One stream of block-autoregressive video on a loaded export: the KV cache and its policy, the text context,
 * the few-step schedule, text-to-video and video-to-video blocks, decoding to pixel frames. The pipelines
 * (longlive, streamdiffusionv2) drive it from their parameters.
 */
import type { Conditioning } from '../shared/blend';
import { seededNoise } from '../shared/noise';
import type { ArModel } from './ar-model';
import { BlockRunner } from './block-runner';
import type { CommitMode } from './block-runner';
import type { CachePolicyOptions } from './cache-policy';
import type { DeviceTensor, Traffic } from './device';
import { floatTensor } from './device';
import { KvCache } from './kv-cache';
import { LatentHistory } from './latent-history';
import { FlowTable } from './schedule';
import type { Step } from './schedule';

export type StreamOptions = Pick<CachePolicyOptions, 'positionLimit' | 'onLimit' | 'rewindTo'> & {
  /** Overrides of the export's cache layout (must give the same number of slots). */
  sinkFrames?: number;
};

/** How a prompt switch treats the cache: leave it, or recompute it under the new prompt (LongLive). */
export type RecacheMode = 'off' | 'keep-sinks' | 'all';

export interface BlockSettings {
  /** Nominal denoising steps (warped or not as the export's schedule says). */
  steps: readonly number[];
  commit: CommitMode;
  seed: number;
}

export interface BlockResult {
  /** Decoded frames, [3, H, W] in [-1, 1] each, at the export's size. */
  frames: Float32Array[];
  positions: number[];
  /** Wall time of the block, milliseconds. */
  ms: number;
  /** Host<->device bytes during the block. */
  traffic: Traffic;
  /** Bytes of the decoded frames as the decoder gave them. */
  pixelBytes: number;
}

export class ArStream {
  readonly cache: KvCache;
  readonly runner: BlockRunner;
  readonly table: FlowTable;
  readonly history: LatentHistory;
  private context: DeviceTensor | undefined;
  private conditioning: Conditioning | undefined;
  private blocks = 0;
  /**
   * Times the video restarted at the position limit since the last reset: mixed into the noise, so the video after
   * the restart is new and not a copy of its first 1024 frames (upstream's noise generator never rewinds).
   */
  private epoch = 0;

  constructor(
    readonly model: ArModel,
    options: StreamOptions,
  ) {
    const c = model.config;
    this.cache = new KvCache(model.device, model.ops, c, options);
    this.runner = new BlockRunner(model.device, model.ops, model.block, this.cache, c);
    this.table = new FlowTable(c.schedule.shift);
    this.history = new LatentHistory(model.device, model.ops);
  }

  async init(): Promise<void> {
    await this.cache.init();
    await this.history.init();
  }

  /**
   * Cache banks for a commit mode and step count: one per step for `per-step`, else one. A change while frames are
   * cached would leave banks without them, so the caller resets first; this refuses otherwise.
   */
  async useBanks(commit: CommitMode, steps: number): Promise<void> {
    const n = commit === 'per-step' ? steps : 1;
    if (n !== this.cache.bankCount && this.cache.policy.bias().some((b) => b === 0)) {
      throw new Error(`the cache holds frames in ${this.cache.bankCount} bank(s); reset the stream before using ${n}`);
    }
    await this.cache.useBanks(n);
  }

  /** Starts the video afresh: empty cache, positions from 0, the VAE's streams restarted. */
  async reset(): Promise<void> {
    this.cache.reset();
    this.history.reset();
    this.blocks = 0;
    this.epoch = 0;
    await this.model.decoder?.reset();
    await this.model.encoder?.reset();
  }

  /** Blocks generated since the last reset. */
  get blockCount(): number {
    return this.blocks;
  }

  /**
   * Makes `c` the text context of the next blocks (uploaded once; nothing happens when it is the same object).
   * With a recache mode other than 'off', the cached frames are re-run under the new context (LongLive).
   * Returns how many frames were recached.
   */
  async setConditioning(c: Conditioning, recache: RecacheMode = 'off'): Promise<number> {
    if (c === this.conditioning) return 0;
    const c0 = this.model.config;
    const next = await this.model.device.upload(floatTensor(c.hidden, [1, c0.text.length, c0.text.dim], c0.dtype));
    await this.model.device.release([this.context]);
    const first = this.conditioning === undefined;
    this.context = next;
    this.conditioning = c;
    if (first || recache === 'off') return 0;
    return this.runner.recache(next, recache, this.history);
  }

  /** The steps of a nominal list under the export's schedule. */
  steps(nominal: readonly number[]): Step[] {
    return this.table.steps(nominal, this.model.config.schedule.warp);
  }

  /**
   * Noise of `frames` latent frames for (seed, block, step) in restart `epoch` (default: the stream's): the same on
   * every machine and provider.
   */
  noise(seed: number, block: number, step: number, frames: number, epoch = this.epoch): Float32Array {
    const mixed =
      (Math.imul(seed + 1, 0x9e3779b1) ^
        Math.imul(block + 1, 0x85ebca6b) ^
        Math.imul(step + 1, 0xc2b2ae35) ^
        Math.imul(epoch, 0x27d4eb2f)) >>>
      0;
    return seededNoise(mixed, this.runner.latentSize(frames));
  }

  /** Restarts at the position limit since the last reset. */
  get restarts(): number {
    return this.epoch;
  }

  /** A text-to-video block: noise at the first step, denoised against the cache, decoded. */
  async textBlock(s: BlockSettings): Promise<BlockResult> {
    return this.measure(async (positions, block) => {
      const frames = positions.length;
      const c = this.model.config;
      // Uploaded once: the first forward and its x0 step both read it.
      const start = await this.model.device.upload(
        floatTensor(this.noise(s.seed, block, 0, frames), this.runner.latentDims(frames), c.dtype),
      );
      return this.run(s, this.steps(s.steps), positions, block, start);
    }, this.model.config.cache.blockFrames);
  }

  /**
   * A video-to-video block (StreamDiffusionV2): the input chunk is encoded and mixed with noise at `noiseScale`
   * (noise·s + latent·(1-s)). The stream's first chunk is 1 + framesPerLatent frames, encoded as 1 and then 4, so
   * 2 latent frames denoised together through the whole step list (upstream's prepare()); later chunks are
   * framesPerLatent frames, one latent frame, denoised from `firstTimestep` (upstream: int(1000·s) - 100, given by
   * the noise controller) through the rest of the list.
   */
  async videoBlock(
    s: BlockSettings,
    pixels: Float32Array[],
    noiseScale: number,
    firstTimestep?: number,
  ): Promise<BlockResult> {
    const encoder = this.model.encoder;
    if (!encoder) throw new Error('video to video needs the VAE encoder');
    const c = this.model.config;
    if (c.cache.blockFrames !== 1) throw new Error('video to video runs 1-frame blocks');
    const first = this.blocks === 0 && this.cache.policy.position === 0;
    const expected = first ? 1 + c.framesPerLatent : c.framesPerLatent;
    if (pixels.length !== expected) {
      throw new Error(`this video chunk needs ${expected} frames (${first ? 'the stream’s first' : 'a steady chunk'})`);
    }
    const frames = first ? 2 : 1;
    return this.measure(async (positions, block) => {
      const encode = async (from: number, to: number) => {
        const video = new Float32Array((to - from) * 3 * c.height * c.width);
        pixels.slice(from, to).forEach((p, i) => video.set(p, i * p.length));
        return encoder.step(floatTensor(video, [1, to - from, 3, c.height, c.width], c.dtype), true);
      };
      let latent: DeviceTensor;
      if (first) {
        const head = await encode(0, 1);
        const tail = await encode(1, pixels.length);
        latent = await this.model.ops.concat(head, tail);
        await this.model.device.release([head, tail]);
      } else {
        latent = await encode(0, pixels.length);
      }
      const noise = floatTensor(this.noise(s.seed, block, 0, frames), this.runner.latentDims(frames), c.dtype);
      const start = await this.model.ops.renoise(latent, noise, noiseScale);
      await this.model.device.release([latent]);
      const steps = this.steps(s.steps);
      if (!first && firstTimestep !== undefined) {
        steps[0] = { timestep: firstTimestep, sigma: this.table.sigmaAt(firstTimestep) };
      }
      return this.run(s, steps, positions, block, start, first);
    }, frames);
  }

  private async run(
    s: BlockSettings,
    steps: Step[],
    positions: number[],
    block: number,
    start: DeviceTensor,
    prime = false,
  ): Promise<DeviceTensor> {
    if (!this.context) throw new Error('no text context: setConditioning first');
    await this.useBanks(s.commit, steps.length);
    const x0 = await this.runner.generate({
      positions,
      steps,
      context: this.context,
      start,
      noise: (step) => this.noise(s.seed, block, step, positions.length),
      commit: s.commit,
      prime,
    });
    await this.history.push(x0, positions);
    return x0;
  }

  private async measure(
    make: (positions: number[], block: number) => Promise<DeviceTensor>,
    frames: number,
  ): Promise<BlockResult> {
    const device = this.model.device;
    const before = device.transfers();
    const started = performance.now();
    const decoder = this.model.decoder;
    if (!decoder) throw new Error('this model was opened without a decoder');
    const placed = this.cache.policy.place(frames);
    if (placed.reset) {
      this.blocks = 0;
      this.epoch++;
      this.history.reset();
      await decoder.reset();
    }
    const x0 = await make(placed.positions, this.blocks++);
    const decoded = await decoder.decode(x0, frames);
    await device.release([x0]);
    const after = device.transfers();
    const bytesPer = this.model.config.dtype === 'float16' ? 2 : 4;
    return {
      frames: decoded,
      positions: placed.positions,
      ms: performance.now() - started,
      traffic: {
        toDeviceBytes: after.toDeviceBytes - before.toDeviceBytes,
        toHostBytes: after.toHostBytes - before.toHostBytes,
      },
      pixelBytes: decoded.reduce((sum, f) => sum + f.length * bytesPer, 0),
    };
  }

  async close(): Promise<void> {
    await this.cache.release();
    await this.history.release();
    await this.model.device.release([this.context]);
    this.context = undefined;
  }
}
