import type { Image } from '../../src/engine/frame';
import type { InFlightFrame } from '../../src/engine/pipeline';
import type { Conditioning } from '../shared/blend';
import type { DiffusionModel } from './diffusion-model';
import { imageToTensor, tensorToImage } from '../shared/pixels';
import type { Stage } from './schedule';
import { StreamBatch } from './stream-batch';
import { nanMessage } from './load-guards';
import type { Guidance } from './stream-batch';
import type { Timings } from '../shared/timings';

/** One frame's worth of inputs, whatever the engine. */
export interface FrameRequest {
  /** The img2img input (undefined: txt2img, stage 0 starts from pure noise). */
  image: Image | undefined;
  /** The input as [1,3,H,W] floats, when the similarity filter already made them. */
  pixels: Float32Array | undefined;
  positive: Conditioning;
  negative: Conditioning;
  guidance: Guidance;
  addNoise: boolean;
}

/** Turns conditioning, noise and an optional input into the next frame of the stream. */
export interface FrameEngine {
  /** Starts the stream afresh on these stages and stage noises. */
  reset(stages: Stage[], noise: Float32Array[]): Promise<void>;
  /** New stage noises (seed, drift); frames in flight keep theirs. */
  setNoise(noise: Float32Array[]): void;
  render(req: FrameRequest): Promise<Image>;
  /**
   * The frame's work up to its decoded image, kept where the sessions run, its pixels read by `collect` (the
   * throughput loop, src/engine/frame-depth.ts); left out where the frame cannot be split.
   */
  issue?(req: FrameRequest): Promise<InFlightFrame>;
  release(): Promise<void>;
}

/**
 * The stream batch with every tensor on the host between the networks: the reference arithmetic, and what runs
 * when a UNet export has a fixed batch size (sliced calls).
 */
export class HostEngine implements FrameEngine {
  private stream: StreamBatch | undefined;
  private decodedFinite = false;

  constructor(
    private readonly model: DiffusionModel,
    private readonly width: number,
    private readonly height: number,
    private readonly timings: Timings,
  ) {}

  async reset(stages: Stage[], noise: Float32Array[]): Promise<void> {
    this.stream = new StreamBatch(stages, noise[0]!.length, noise);
  }

  setNoise(noise: Float32Array[]): void {
    this.stream?.setNoise(noise);
  }

  async render(req: FrameRequest): Promise<Image> {
    const { model, width, height } = this;
    const stream = this.stream;
    if (!stream) throw new Error('the stream was not started');
    let x0: Float32Array | undefined;
    if (req.image) {
      const image = req.image;
      const pixels = req.pixels ?? (await this.timings.time('pixels in', () => imageToTensor(image, width, height)));
      x0 = await model.encodeImage(pixels, width, height);
    }
    const latent = await stream.step(
      x0,
      (batch) => model.predictNoise(batch, req.positive, req.negative, width, height),
      req.guidance,
      req.addNoise,
    );
    const decoded = await model.decodeLatent(latent, width, height);
    // Until one frame has decoded to finite values: NaN would show as a black frame with no word why.
    if (!this.decodedFinite) {
      if (!decoded.every(Number.isFinite)) throw new Error(nanMessage('the VAE decoder'));
      this.decodedFinite = true;
    }
    return this.timings.time('pixels out', () => tensorToImage(decoded, width, height));
  }

  async release(): Promise<void> {
    this.stream = undefined;
  }
}
