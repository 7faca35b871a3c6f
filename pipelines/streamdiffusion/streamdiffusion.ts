import { scopeEnv } from '../../src/flag-env';
import { z } from 'zod';
import type { DeviceFormat, Image } from '../../src/engine/frame';
import { definePipeline } from '../../src/engine/pipeline';
import type { InFlightFrame, LoadContext, ParamSnapshot, Pipeline, RenderContext } from '../../src/engine/pipeline';
import { inFlight } from '../../src/engine/frame-depth';
import { modelsDir } from '../../src/files';
import { PromptTransition } from '../shared/blend';
import type { Conditioning } from '../shared/blend';
import { promptConditioning } from '../shared/prompts';
import { DeviceEngine } from './device-engine';
import { DiffusionModel, VAE_FACTOR } from './diffusion-model';
import { LATENT_CHANNELS } from './open-networks';
import { HostEngine } from './host-engine';
import type { FrameEngine } from './host-engine';
import { modelNeeds, resolveModel } from './models';
import type { ModelFiles, ModelId } from './models';
import { checkPredictionType, checkVae } from './load-guards';
import { checkModelSize } from './sizes';
import { NoiseBank } from '../shared/noise';
import { streamDiffusionParams } from './params';
import { imageToTensor } from '../shared/pixels';
import { parseTIndexList, stagesFor, tIndexListFor } from './schedule';
import type { Stage } from './schedule';
import { SimilarityFilter } from './similarity-filter';
import { ImageSource } from '../shared/source';
import { Timings } from '../shared/timings';
import { LoraSwap } from './lora-swap';
import { withControlNeeds } from './control-exports';
import type { ControlValues } from './controlnet/params';
import { attachControl, controlFilesFor, controlFrame } from './controlnet/attach';
import { anyControlNet } from './controlnet/params';
import { referenceSlot } from './reference/reference-load';
import type { ReferenceSlot } from './reference/reference-slot';

type SdParams = typeof streamDiffusionParams;

/** StreamDiffusion on SD-Turbo / SDXL-Turbo: stream batch, RCFG, similarity filter, prompt blending. */
export const streamDiffusion = definePipeline({
  id: 'streamdiffusion',
  name: 'StreamDiffusion',
  description:
    'Real-time diffusion (SD-Turbo, SDXL-Turbo) after StreamDiffusion: the steps of consecutive frames batched ' +
    'into one UNet call, residual CFG, a similarity filter, prompt blending. Needs a model download and a GPU.',
  params: streamDiffusionParams,
  // img2img starts from the video input (PUT /api/v1/input) when there is one; txt2img needs none.
  // ControlNet reads the input too, even in txt2img: the chain's picture of it is the control image.
  takesInput: (params) => params.mode === 'img2img' || anyControlNet(params),
  conditioningApart: (params) => anyControlNet(params),
  // The model's files, before the running pipeline is touched (the generated ones need none).
  // A ControlNet of the real model is exported, not downloaded: a missing one is refused with its command.
  preflight: (_ctx, params) =>
    withControlNeeds(
      modelNeeds(params.model as ModelId, modelsDir(), params.vae === 'tiny' ? 'tiny' : 'full'),
      String(params.model),
      params as unknown as ControlValues,
      modelsDir(),
    ),
  create: () => new StreamDiffusionPipeline(),
});

/** The loaded pipeline; exported for the benchmark, which reads its per-stage timings. */
export class StreamDiffusionPipeline implements Pipeline<SdParams> {
  readonly timings = new Timings();
  private model: DiffusionModel | undefined;
  private source: ImageSource | undefined;
  private engine: FrameEngine | undefined;
  /** The stages the engine streams on; undefined until the first frame starts the stream. */
  private stages: Stage[] | undefined;
  private noise: NoiseBank | undefined;
  private steps = '';
  private seed = -1;
  private reseeds = 0;
  private readonly transition = new PromptTransition();
  private readonly filter = new SimilarityFilter();
  private lastImage: Image | undefined;
  /** The image of the frame issued last (not skipped), once it is read; undefined when it was dropped or failed. */
  private latest: Promise<Image | undefined> = Promise.resolve(undefined);
  private reference: ReferenceSlot | undefined;
  private width = 0;
  private height = 0;
  private loras: LoraSwap | undefined;

  /** `resolve` finds the model's files (a test gives its own folder). */
  constructor(private readonly resolve: typeof resolveModel = resolveModel) {}

  async load(ctx: LoadContext<SdParams>): Promise<void> {
    const { params } = ctx;
    const sizeError = checkModelSize(params.model, ctx.width, ctx.height);
    if (sizeError) throw new Error(sizeError);
    this.width = ctx.width;
    this.height = ctx.height;
    const id = params.model;
    ctx.progress('finding model files', 0);
    const files = await this.resolve(id, modelsDir(), params.vae, {
      width: ctx.width,
      height: ctx.height,
      progress: ctx.progress,
      provider: ctx.runtime.executionProvider,
    });
    if (ctx.signal.aborted) return;
    await checkPredictionType(files.dir, id);
    this.loras = new LoraSwap(ctx.log, modelsDir, (sentence) => ctx.warn?.('lora', sentence));
    const loras = await this.loras.atLoad(params);
    const control = await controlFilesFor(params, files, modelsDir(), ctx);
    if (ctx.signal.aborted) return;
    const opened = control ? { ...files, unetPath: control.unet } : files;
    this.model = await DiffusionModel.open(ctx.runtime, opened, this.timings, ctx.progress, ctx, loras);
    if (control) await attachControl(this.model, control, ctx);
    await this.checkVae(files, params.vae, ctx);
    if (!id.startsWith('tiny') && ctx.runtime.executionProvider === 'cpu') {
      ctx.log(
        `${id} runs on the CPU execution provider: expect seconds per frame, not real time; ` +
          'a GPU (CUDA/TensorRT/DirectML/CoreML) is needed for live use',
      );
    }
    // Device-resident unless the UNet export has a fixed batch size, which needs sliced calls on the host.
    this.engine = this.model.dynamicBatch
      ? new DeviceEngine(ctx.runtime, this.model, ctx.width, ctx.height, this.timings, deviceFormats(ctx))
      : new HostEngine(this.model, ctx.width, ctx.height, this.timings);
    const where = this.model.dynamicBatch
      ? 'tensors kept on the device between networks'
      : 'fixed-batch UNet, host stream';
    ctx.log(`${id}: ${this.model.half ? 'float16' : 'float32'} UNet, ${ctx.width}x${ctx.height}, ${where}`);
    this.reference = await referenceSlot(ctx, id, this.model);
    ctx.progress('loading image source', 0.95);
    this.source = await ImageSource.load(params.source, ctx);
    ctx.progress('ready', 1);
  }

  /**
   * The downloaded VAEs, through a frame and back before the first frame: the tiny one for its value range, an
   * SDXL one for the NaN an fp16 export without the fp16 fix gives. The stand-ins have random weights and skip it.
   */
  private async checkVae(files: ModelFiles, vae: 'full' | 'tiny', ctx: LoadContext<SdParams>): Promise<void> {
    const model = this.model!;
    if (files.id !== 'sd-turbo' && files.id !== 'sdxl-turbo') return;
    if (vae !== 'tiny' && !files.xl) return;
    ctx.progress('checking the VAE', 0.9);
    const label = vae === 'tiny' ? `the tiny VAE (${files.vaeDir})` : `the ${files.id} VAE`;
    const roundTrip = {
      encode: (p: Float32Array, w: number, h: number) => model.encodeImage(p, w, h),
      decode: (l: Float32Array, w: number, h: number) => model.decodeLatent(l, w, h),
    };
    try {
      await checkVae(roundTrip, ctx.width, ctx.height, { label, range: vae === 'tiny' });
    } catch (err) {
      this.model = undefined;
      await model.release();
      throw err;
    }
  }

  async render(ctx: RenderContext, params: ParamSnapshot<SdParams>, input?: Image): Promise<Image> {
    return (await this.issue(ctx, params, input)).collect();
  }

  /**
   * The frame's work up to its decoded image, kept on the device (the device engine); its pixels are read by
   * `collect`, after the next frame's work was issued in the throughput loop. The host engine (a UNet of fixed
   * batch) renders the frame whole here.
   */
  async issue(ctx: RenderContext, params: ParamSnapshot<SdParams>, input?: Image): Promise<InFlightFrame> {
    const model = this.model;
    const engine = this.engine;
    if (!model || !engine) throw new Error('streamdiffusion is not loaded');
    const { width, height } = this;
    await this.loras?.frame(params, model);
    await this.prepareStream(engine, params, ctx.dt);

    let image: Image | undefined;
    let pixels: Float32Array | undefined;
    if (params.mode === 'img2img') {
      image = input ?? (await this.timings.time('source', () => this.source?.render(ctx)));
      if (image && params.similarityFilter) {
        const source = image;
        pixels = await this.timings.time('pixels in', () => imageToTensor(source, width, height));
        const o = { threshold: params.similarityThreshold, maxSkipFrames: params.maxSkipFrames };
        if (this.filter.shouldSkip(pixels, o) && this.lastImage) return this.shownAgain();
      }
    }

    controlFrame(model, params, ctx, input);
    await this.reference?.apply(model, params.reference, params.referenceWeight);
    const positive = await this.conditioning(params, ctx.time);
    const negative = await this.negative(params, positive);
    const guidance = { cfg: params.cfg, scale: params.guidance, delta: params.delta };
    const req = { image, pixels, positive, negative, guidance, addNoise: params.addNoise };
    const frame = engine.issue ? await engine.issue(req) : inFlight(Promise.resolve(await engine.render(req)));
    let settle!: (image: Image | undefined) => void;
    this.latest = new Promise((resolve) => (settle = resolve));
    return {
      collect: async () => {
        try {
          const image = (this.lastImage = await frame.collect());
          settle(image);
          return image;
        } catch (err) {
          settle(undefined);
          throw err;
        }
      },
      drop: () => (settle(undefined), frame.drop()),
    };
  }

  /**
   * A skipped frame: the image of the frame issued before it. At depth 2 that one is still in flight when the skip
   * is decided, and `lastImage` is the frame before it, already shown: showing that again would step back a frame.
   */
  private shownAgain(): InFlightFrame {
    const shown = this.lastImage!;
    return inFlight(this.latest.then((image) => image ?? this.lastImage ?? shown));
  }

  /** Waits for a LoRA change under way to be ready or refused (tests; frames never wait for it). */
  async lorasSettled(): Promise<void> {
    await this.loras?.settled();
  }

  async unload(): Promise<void> {
    await this.loras?.close();
    await this.source?.unload();
    await this.reference?.release();
    this.reference = undefined;
    await this.engine?.release();
    await this.model?.release();
    this.source = undefined;
    this.engine = undefined;
    this.stages = undefined;
    this.model = undefined;
  }

  /** The stream for the current t_index_list (per mode when empty) and seed; a change of either starts it afresh. */
  private async prepareStream(engine: FrameEngine, params: ParamSnapshot<SdParams>, dt: number): Promise<void> {
    const size = LATENT_CHANNELS * (this.width / VAE_FACTOR) * (this.height / VAE_FACTOR);
    const steps = tIndexListFor(params.tIndexList, params.mode);
    // The trigger moves to another seed without touching the seed parameter, which would snap back next frame.
    if (params.reseed) this.reseeds++;
    const seed = params.seed + this.reseeds * 7919;
    if (!this.stages || !this.noise || steps !== this.steps) {
      // While someone types a new list, the stream keeps running on the last valid one.
      const stages = this.stages ? tryStages(steps) : stagesFor(parseTIndexList(steps));
      if (stages) {
        this.noise = new NoiseBank(size, stages.length, seed);
        await engine.reset(stages, this.noise.stages);
        this.stages = stages;
        this.seed = seed;
      }
      this.steps = steps;
    }
    const noise = this.noise!;
    if (seed !== this.seed) {
      noise.reset(this.stages!.length, seed);
      engine.setNoise(noise.stages);
      this.seed = seed;
    }
    const drift = params.noiseDrift * Math.max(0, dt);
    if (drift > 0) {
      noise.drift(drift);
      engine.setNoise(noise.stages);
    }
  }

  /** The blended, transitioning conditioning of the four prompts. */
  private async conditioning(params: ParamSnapshot<SdParams>, time: number): Promise<Conditioning> {
    const model = this.model!;
    return (await promptConditioning(params, (t) => model.prompts.encode(t), this.transition, time)).conditioning;
  }

  private async negative(params: ParamSnapshot<SdParams>, positive: Conditioning): Promise<Conditioning> {
    const model = this.model!;
    if (params.cfg === 'none' || params.cfg === 'self') return positive;
    const text = params.negativePrompt;
    // SDXL was trained with zeros, not the empty prompt's encoding, as the unconditional input.
    if (text.trim() === '' && model.files.xl) return model.prompts.zerosLike(positive);
    return model.prompts.encode(text);
  }
}

const formatList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((f) => f.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(['bgra', 'uyvy', 'i420'])));

/**
 * DAYDREAM_SCOPE_DEVICE_FORMATS=i420,uyvy: layouts made on the device beside the RGBA, for the outputs that send
 * them. Off by default: each is one more download per frame, cheaper than the JS conversion only where the bench
 * measured it so (`npm run bench -- --device webgpu`, "pixel formats").
 */
function deviceFormats(ctx: LoadContext<SdParams>): DeviceFormat[] {
  const raw = scopeEnv('DAYDREAM_SCOPE_DEVICE_FORMATS');
  if (!raw) return [];
  const parsed = formatList.safeParse(raw);
  if (parsed.success) return parsed.data;
  ctx.log(`DAYDREAM_SCOPE_DEVICE_FORMATS="${raw}" ignored: expected a list of bgra, uyvy, i420`);
  return [];
}

function tryStages(text: string): Stage[] | undefined {
  try {
    return stagesFor(parseTIndexList(text));
  } catch {
    return undefined;
  }
}
