import type { Image } from '../../src/engine/frame';
import type {
  LoadContext,
  ParamSnapshot,
  Pipeline,
  PipelineDefinition,
  RenderContext,
} from '../../src/engine/pipeline';
import { modelsDir } from '../../src/files';
import { blendConditionings, PromptTransition } from './blend';
import type { BlendMode, Conditioning } from './blend';
import { DiffusionModel, LATENT_CHANNELS, VAE_FACTOR } from './diffusion-model';
import { resolveModel } from './models';
import type { ModelId } from './models';
import { NoiseBank } from './noise';
import { streamDiffusionParams } from './params';
import { imageToTensor, tensorToImage } from './pixels';
import { parseTIndexList, stagesFor } from './schedule';
import type { Stage } from './schedule';
import { SimilarityFilter } from './similarity-filter';
import { ImageSource } from './source';
import { StreamBatch } from './stream-batch';
import type { CfgMode } from './stream-batch';
import { Timings } from './timings';

/** StreamDiffusion on SD-Turbo / SDXL-Turbo: stream batch, RCFG, similarity filter, prompt blending. */
export const streamDiffusion: PipelineDefinition = {
  id: 'streamdiffusion',
  name: 'StreamDiffusion',
  description:
    'Real-time diffusion (SD-Turbo, SDXL-Turbo) after StreamDiffusion: the steps of consecutive frames batched ' +
    'into one UNet call, residual CFG, a similarity filter, prompt blending. Needs a model download and a GPU.',
  params: streamDiffusionParams,
  // img2img starts from the video input (PUT /api/v1/input) when there is one; txt2img needs none.
  takesInput: (params) => params.mode === 'img2img',
  create: () => new StreamDiffusionPipeline(),
};

/** The loaded pipeline; exported for the benchmark, which reads its per-stage timings. */
export class StreamDiffusionPipeline implements Pipeline {
  readonly timings = new Timings();
  private model: DiffusionModel | undefined;
  private source: ImageSource | undefined;
  private stream: StreamBatch | undefined;
  private noise: NoiseBank | undefined;
  private steps = '';
  private seed = -1;
  private reseeds = 0;
  private readonly transition = new PromptTransition();
  private readonly filter = new SimilarityFilter();
  private lastImage: Image | undefined;
  private width = 0;
  private height = 0;

  async load(ctx: LoadContext): Promise<void> {
    const { params } = ctx;
    if (ctx.width % VAE_FACTOR || ctx.height % VAE_FACTOR) {
      throw new Error(`streamdiffusion needs a width and height divisible by 8, got ${ctx.width}x${ctx.height}`);
    }
    this.width = ctx.width;
    this.height = ctx.height;
    const id = params.model as ModelId;
    ctx.progress('finding model files', 0);
    const files = await resolveModel(id, modelsDir(), params.vae as 'full' | 'tiny');
    if (ctx.signal.aborted) return;
    this.model = await DiffusionModel.open(ctx.runtime, files, this.timings, ctx.progress);
    if (!id.startsWith('tiny') && ctx.runtime.executionProvider === 'cpu') {
      ctx.log(
        `${id} runs on the CPU execution provider: expect seconds per frame, not real time; ` +
          'a GPU (CUDA/TensorRT/DirectML/CoreML) is needed for live use',
      );
    }
    ctx.log(`${id}: ${this.model.half ? 'float16' : 'float32'} UNet, ${ctx.width}x${ctx.height}`);
    ctx.progress('loading image source', 0.95);
    this.source = await ImageSource.load(params.source as string, ctx);
    ctx.progress('ready', 1);
  }

  async render(ctx: RenderContext, params: ParamSnapshot, input?: Image): Promise<Image> {
    const model = this.model;
    if (!model) throw new Error('streamdiffusion is not loaded');
    const { width, height } = this;
    const stream = this.prepareStream(params, ctx.dt);

    let x0: Float32Array | undefined;
    if (params.mode === 'img2img') {
      const image = input ?? (await this.timings.time('source', () => this.source?.render(ctx)));
      if (image) {
        const pixels = await this.timings.time('pixels in', () => imageToTensor(image, width, height));
        const o = { threshold: params.similarityThreshold as number, maxSkipFrames: params.maxSkipFrames as number };
        if (params.similarityFilter && this.filter.shouldSkip(pixels, o) && this.lastImage) return this.lastImage;
        x0 = await model.encodeImage(pixels, width, height);
      }
    }

    const positive = await this.conditioning(params, ctx.time);
    const negative = await this.negative(params, positive);
    const guidance = { cfg: params.cfg as CfgMode, scale: params.guidance as number, delta: params.delta as number };
    const latent = await stream.step(
      x0,
      (batch) => model.predictNoise(batch, positive, negative, width, height),
      guidance,
      params.addNoise as boolean,
    );
    const decoded = await model.decodeLatent(latent, width, height);
    const image = await this.timings.time('pixels out', () => tensorToImage(decoded, width, height));
    this.lastImage = image;
    return image;
  }

  async unload(): Promise<void> {
    await this.source?.unload();
    await this.model?.release();
    this.source = undefined;
    this.model = undefined;
  }

  /** The stream batch for the current t_index_list and seed; a change of either starts the stream afresh. */
  private prepareStream(params: ParamSnapshot, dt: number): StreamBatch {
    const size = LATENT_CHANNELS * (this.width / VAE_FACTOR) * (this.height / VAE_FACTOR);
    const steps = params.tIndexList as string;
    // The trigger moves to another seed without touching the seed parameter, which would snap back next frame.
    if (params.reseed) this.reseeds++;
    const seed = (params.seed as number) + this.reseeds * 7919;
    if (!this.stream || !this.noise || steps !== this.steps) {
      // While someone types a new list, the stream keeps running on the last valid one.
      const stages = this.stream ? tryStages(steps) : stagesFor(parseTIndexList(steps));
      if (stages) {
        this.noise = new NoiseBank(size, stages.length, seed);
        this.stream = new StreamBatch(stages, size, this.noise.stages);
        this.seed = seed;
      }
      this.steps = steps;
    }
    const stream = this.stream!;
    const noise = this.noise!;
    if (seed !== this.seed) {
      noise.reset(stream.stages.length, seed);
      stream.setNoise(noise.stages);
      this.seed = seed;
    }
    const drift = (params.noiseDrift as number) * Math.max(0, dt);
    if (drift > 0) {
      noise.drift(drift);
      stream.setNoise(noise.stages);
    }
    return stream;
  }

  /** The blended, transitioning conditioning of the four prompts. */
  private async conditioning(params: ParamSnapshot, time: number): Promise<Conditioning> {
    const model = this.model!;
    const texts = [params.prompt, params.prompt2, params.prompt3, params.prompt4].map((t) => String(t ?? ''));
    const weights = [params.weight1, params.weight2, params.weight3, params.weight4].map((w) => Number(w ?? 0));
    const used = texts.map((t, i) => (i === 0 || (t.trim() !== '' && weights[i]! > 0) ? t : undefined));
    const conds: Conditioning[] = [];
    const usedWeights: number[] = [];
    for (const [i, t] of used.entries()) {
      if (t === undefined) continue;
      conds.push(await model.prompts.encode(t));
      usedWeights.push(weights[i]!);
    }
    const mode = params.blend as BlendMode;
    const target = blendConditionings(conds, usedWeights, mode);
    const key = used.map((t) => t ?? '').join('\u0000');
    return this.transition.update(key, target, time, params.transition as number, mode);
  }

  private async negative(params: ParamSnapshot, positive: Conditioning): Promise<Conditioning> {
    const model = this.model!;
    if (params.cfg === 'none' || params.cfg === 'self') return positive;
    const text = String(params.negativePrompt ?? '');
    // SDXL was trained with zeros, not the empty prompt's encoding, as the unconditional input.
    if (text.trim() === '' && model.files.xl) return model.prompts.zerosLike(positive);
    return model.prompts.encode(text);
  }
}

function tryStages(text: string): Stage[] | undefined {
  try {
    return stagesFor(parseTIndexList(text));
  } catch {
    return undefined;
  }
}
