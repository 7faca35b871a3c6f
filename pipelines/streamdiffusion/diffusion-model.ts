import type { InferenceBackend } from '../../src/runtime/backend';
import { CONTEXT_LENGTH } from './clip-tokenizer';
import type { Conditioning } from '../shared/blend';
import type { ModelFiles } from './models';
import { PromptEncoder } from './prompt-encoder';
import type { TextTower } from './prompt-encoder';
import type { TypedSession } from './session-io';
import type { Feed, LoraSet } from './session-io';
import type { UnetBatch } from './stream-batch';
import type { Timings } from '../shared/timings';
import type { ControlStage } from './controlnet/control-stage';
import { LATENT_CHANNELS, openLoraNetworks, openNetwork } from './open-networks';
import type { ImageSize, LoraNetworks, Progress, UnetFile } from './open-networks';

export const VAE_FACTOR = 8;

interface Openers {
  networks: (loras: LoraSet | undefined, unet: UnetFile) => Promise<LoraNetworks>;
  unet: (unet: UnetFile, loras: LoraSet | undefined) => Promise<TypedSession>;
}

/** The networks of one Stable Diffusion model, opened, with the tensor plumbing between them. */
export class DiffusionModel {
  private promptEncoder: PromptEncoder;
  /** The ControlNets whose residuals the UNet (then the ControlNet UNet, files.unetPath) takes; set after open. */
  control: ControlStage | undefined;

  private constructor(
    readonly files: ModelFiles,
    private towers: TextTower[],
    private unet: TypedSession,
    private readonly decoder: TypedSession,
    private readonly encoder: TypedSession,
    private readonly timings: Timings,
    private readonly openers: Openers,
    salt: () => string,
    private loras: LoraSet | undefined,
  ) {
    this.promptEncoder = new PromptEncoder(towers, timings, salt);
    this.unetFile = { dir: files.dir, file: 'unet/model.onnx' };
  }

  /** The UNet file in use, and more UNet inputs per batch (the reference image's) once the IP UNet is. */
  private unetFile: UnetFile;
  private extraFeeds: ((negativeMask: boolean[]) => Record<string, Feed>) | undefined;

  /**
   * Opens every session; `progress` gets a stage name and a fraction. Each file is bound to its network's tensor
   * names (tensor-roles.ts); given the image size, the files' free dimensions are fixed to it. With `loras`, the
   * text encoders and the UNet get their branches (a LoRA that reaches neither is refused with a sentence).
   */
  static async open(
    runtime: InferenceBackend,
    files: ModelFiles,
    timings: Timings,
    progress: Progress = () => {},
    image?: ImageSize,
    loras?: LoraSet,
  ): Promise<DiffusionModel> {
    const opened: TypedSession[] = [];
    const open = async (dir: string, file: string, stage: string, fraction: number) => {
      progress(stage, fraction);
      const s = await openNetwork(runtime, dir, file, image);
      opened.push(s);
      return s;
    };
    const openers: Openers = {
      networks: (set, unet) => openLoraNetworks(runtime, files, image, set, () => {}, [], unet),
      unet: (unet, set) => openNetwork(runtime, unet.dir, unet.file, image, set),
    };
    const salt = () => (loras ? loras.strengths.key(loras.list.map((l) => l.strengthInput)) : '');
    try {
      const { towers, unet } = await openLoraNetworks(runtime, files, image, loras, progress, opened);
      const decoder = await open(files.vaeDir, 'vae_decoder/model.onnx', 'loading VAE decoder', 0.7);
      const encoder = await open(files.vaeDir, 'vae_encoder/model.onnx', 'loading VAE encoder', 0.85);
      return new DiffusionModel(files, towers, unet, decoder, encoder, timings, openers, salt, loras);
    } catch (err) {
      await Promise.allSettled(opened.map((s) => s.release()));
      throw err;
    }
  }

  /** The prompt encoder of the text encoders in use (another after a LoRA change). */
  get prompts(): PromptEncoder {
    return this.promptEncoder;
  }

  /** The text encoders and UNet opened with other LoRAs (none: the base graphs), while these keep running. */
  async openWithLoras(loras: LoraSet | undefined): Promise<LoraNetworks> {
    const unetFile = this.unetFile;
    return { ...(await this.openers.networks(loras, unetFile)), unetFile, loras };
  }

  /**
   * Puts networks from openWithLoras in place, between frames, and releases the ones they replace; true when done.
   * A reference image moved the UNet to the IP-Adapter's while these were opened: their UNet would lose the image
   * inputs the frames feed, and the text encoders alone would be half the change, so nothing changes, they are
   * released and false says to open them again (on the UNet file now in use).
   */
  async swapNetworks(next: LoraNetworks, salt: () => string): Promise<boolean> {
    if (next.unetFile !== undefined && next.unetFile !== this.unetFile) {
      await Promise.allSettled([...next.towers.map((t) => t.session), next.unet].map((s) => s.release()));
      return false;
    }
    const old = [...this.towers.map((t) => t.session), this.unet];
    this.towers = next.towers;
    [this.unet, this.loras] = [next.unet, next.loras];
    this.promptEncoder = new PromptEncoder(next.towers, this.timings, salt);
    await Promise.allSettled(old.map((s) => s.release()));
    return true;
  }

  /**
   * Replaces the UNet with the IP-Adapter's (the same inputs and image_embeds, ip_adapter_scale), opened with the
   * LoRAs in use and checked by `check` before it goes in; `extra` feeds its inputs for each batch. Later LoRA
   * changes open this file. The old UNet is released.
   */
  async useIpUnet(
    file: UnetFile,
    extra: (negativeMask: boolean[]) => Record<string, Feed>,
    check: (unet: TypedSession) => void,
  ): Promise<void> {
    const next = await this.openers.unet(file, this.loras);
    try {
      check(next);
    } catch (err) {
      await next.release();
      throw err;
    }
    const old = this.unet;
    [this.unet, this.unetFile, this.extraFeeds] = [next, file, extra];
    await old.release();
  }

  /** True when the UNet was exported with float16 inputs. */
  get half(): boolean {
    return this.unet.isHalf;
  }

  /** [1, 3, H, W] in [-1, 1] -> scaled latent [4 × H/8 × W/8]. */
  async encodeImage(pixels: Float32Array, width: number, height: number): Promise<Float32Array> {
    const started = performance.now();
    const out = await this.encoder.run({ sample: { data: pixels, dims: [1, 3, height, width] } });
    this.timings.add('VAE encode', performance.now() - started);
    const latent = first(out, this.encoder.outputNames);
    const scale = this.files.latentScale;
    if (scale !== 1) for (let i = 0; i < latent.length; i++) latent[i]! *= scale;
    return latent;
  }

  /** Scaled latent -> [3, H, W] in [-1, 1]. */
  async decodeLatent(latent: Float32Array, width: number, height: number): Promise<Float32Array> {
    const scale = this.files.latentScale;
    const z = scale === 1 ? latent : Float32Array.from(latent, (v) => v / scale);
    const started = performance.now();
    const dims = [1, LATENT_CHANNELS, height / VAE_FACTOR, width / VAE_FACTOR];
    const out = await this.decoder.run({ latent_sample: { data: z, dims } });
    this.timings.add('VAE decode', performance.now() - started);
    return first(out, this.decoder.outputNames);
  }

  /** One batched UNet call: each element gets the positive or negative conditioning, per `batch.negative`. */
  async predictNoise(
    batch: UnetBatch,
    positive: Conditioning,
    negative: Conditioning,
    width: number,
    height: number,
  ): Promise<Float32Array> {
    const b = batch.timesteps.length;
    const feeds: Record<string, Feed> = {
      sample: { data: batch.sample, dims: [b, LATENT_CHANNELS, height / VAE_FACTOR, width / VAE_FACTOR] },
      timestep: { data: Float32Array.from(batch.timesteps), dims: [b] },
      ...this.conditioningFeeds(batch.negative, positive, negative, width, height),
    };
    const control = this.control;
    if (control) Object.assign(feeds, await this.timings.time('ControlNet', () => control.host(feeds, b)));
    const started = performance.now();
    const out = await this.runBatched(feeds, b);
    this.timings.add('UNet', performance.now() - started);
    return out;
  }

  /**
   * The UNet's conditioning inputs for a batch: encoder_hidden_states [b,77,dim] (+ text_embeds and time_ids for
   * SDXL), element i from the negative conditioning where `negative[i]`.
   */
  conditioningFeeds(
    negativeMask: boolean[],
    positive: Conditioning,
    negative: Conditioning,
    width: number,
    height: number,
  ): Record<string, Feed> {
    const b = negativeMask.length;
    const dim = positive.hidden.length / CONTEXT_LENGTH;
    const ehs = new Float32Array(b * positive.hidden.length);
    negativeMask.forEach((neg, i) => ehs.set((neg ? negative : positive).hidden, i * positive.hidden.length));
    const feeds: Record<string, Feed> = { encoder_hidden_states: { data: ehs, dims: [b, CONTEXT_LENGTH, dim] } };
    if (this.unet.has('text_embeds')) {
      const size = positive.pooled?.length ?? 0;
      const pooled = new Float32Array(b * size);
      negativeMask.forEach((neg, i) => pooled.set((neg ? negative : positive).pooled ?? [], i * size));
      feeds.text_embeds = { data: pooled, dims: [b, size] };
      // SDXL's micro-conditioning: original size, crop origin, target size; an uncropped image at output size.
      const ids = new Float32Array(b * 6);
      for (let i = 0; i < b; i++) ids.set([height, width, 0, 0, height, width], i * 6);
      feeds.time_ids = { data: ids, dims: [b, 6] };
    }
    return this.extraFeeds ? { ...feeds, ...this.extraFeeds(negativeMask) } : feeds;
  }

  /** The opened networks, for the device engine that chains them without the host. */
  get networks(): { unet: TypedSession; decoder: TypedSession; encoder: TypedSession } {
    return { unet: this.unet, decoder: this.decoder, encoder: this.encoder };
  }

  /** True when the UNet takes any batch size (a fixed-batch export needs sliced calls, on the host). */
  get dynamicBatch(): boolean {
    const fixed = this.unet.signature.inputs.find((i) => i.name === 'sample')?.dims[0];
    return typeof fixed !== 'number' || fixed <= 0;
  }

  /**
   * Runs the UNet on a batch of `b`. Exports with a fixed batch size (TensorRT-minded ones declare sample as
   * [1, 4, 64, 64]) get the batch in slices of that size: slower than one call, but the stream still works.
   */
  private async runBatched(feeds: Record<string, Feed>, b: number): Promise<Float32Array> {
    const fixed = this.unet.signature.inputs.find((i) => i.name === 'sample')?.dims[0];
    if (typeof fixed !== 'number' || fixed <= 0 || fixed === b) {
      return first(await this.unet.run(feeds), this.unet.outputNames);
    }
    if (b % fixed !== 0) throw new Error(`the UNet takes batches of ${fixed}; cannot run a batch of ${b}`);
    const parts: Float32Array[] = [];
    for (let start = 0; start < b; start += fixed) {
      const slice: Record<string, Feed> = {};
      for (const [name, f] of Object.entries(feeds)) {
        // A per-call input (the reference weight) is not split by batch.
        if (f.dims[0] !== b) {
          slice[name] = f;
          continue;
        }
        const per = f.data.length / b;
        slice[name] = { data: f.data.slice(start * per, (start + fixed) * per), dims: [fixed, ...f.dims.slice(1)] };
      }
      parts.push(first(await this.unet.run(slice), this.unet.outputNames));
    }
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  async release(): Promise<void> {
    await this.control?.release();
    const sessions = [...this.towers.map((t) => t.session), this.unet, this.decoder, this.encoder];
    await Promise.allSettled(sessions.map((s) => s.release()));
  }
}

function first(out: Record<string, Float32Array>, names: string[]): Float32Array {
  const v = out[names[0]!] ?? Object.values(out)[0];
  if (!v) throw new Error('session returned no output');
  return v;
}
