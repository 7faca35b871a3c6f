/**
 * The autoregressive video pipeline on the frame loop: each block gives several frames at once (LongLive: 12,
 * StreamDiffusionV2: 4), so frames are queued and handed out one per render, and the next block is generated in
 * the background while the queue plays. Video to video collects the input frames a block needs (1 + 4 for the
 * stream's first chunk, then 4) from the engine's input, or from its own image source when there is none.
 */
import type { Image } from '../../src/engine/frame';
import type { LoadContext, ParamSnapshot, Pipeline, RenderContext } from '../../src/engine/pipeline';
import { modelsDir } from '../../src/files';
import { PromptTransition } from '../shared/blend';
import type { Conditioning } from '../shared/blend';
import { imageToTensor, tensorToImage } from '../shared/pixels';
import { promptConditioning } from '../shared/prompts';
import { scaleCover } from '../../src/media/scale';
import { ImageSource } from '../shared/source';
import { ArModel } from './ar-model';
import { ArStream } from './ar-stream';
import type { BlockResult, StreamOptions } from './ar-stream';
import { resolveExport } from './export-manifest';
import type { ExportManifest } from './export-manifest';
import { firstStepFor, NoiseController } from './noise-controller';
import { videoParams } from './params';
import type { ArParams, ArVideoParams } from './params';
import { parseStepList } from './schedule';
import { writeTinyExport } from './tiny/write';
import { LoraStrengths } from '../../src/runtime/lora/strength-session';
import { readLoraSet, setLoraStrengths } from '../shared/lora-set';
import type { TinyExportOptions } from './tiny/write';

export interface ArPipelineSpec {
  id: string;
  manifest: ExportManifest;
  /** Video to video (StreamDiffusionV2) rather than text to video (LongLive). */
  video: boolean;
  /** The tiny stand-in with the model's cache layout and schedule. */
  tiny: Omit<TinyExportOptions, 'width' | 'height'>;
  stream: StreamOptions;
  /**
   * What a prompt cut (a new prompt with transition 0) does besides the new context: `recache` re-runs the cached
   * frames as the `recache` parameter says (LongLive); `reset` starts the stream afresh, first chunk included
   * (StreamDiffusionV2's demo ends the session on a prompt change and starts a new one).
   */
  promptCut: 'recache' | 'reset';
}

export interface ArPipelineOptions {
  /** Generate the next block while the queued frames play (off in tests that step block by block). */
  prefetch: boolean;
  /** Folder the exports are looked for under (default: the models dir). */
  modelsDir?: string;
  /** A tiny export already written to load instead of generating one (a test's copy with changed weights). */
  tinyDir?: string;
}

/**
 * The values the pipeline reads: every ar-video parameter, the video ones only where the pipeline is video to
 * video (a text-to-video snapshot lacks them and never reaches the code that reads them).
 */
export type ArSnapshot = ParamSnapshot<ArParams> & Partial<ParamSnapshot<ArVideoParams>>;

/** Input frames kept waiting at most: older ones are dropped so latency stays bounded when blocks run late. */
const MAX_WAITING_INPUTS = 12;

export class ArVideoPipeline implements Pipeline<ArParams> {
  /** Figures of the last block (time, frames, host<->device bytes), for the bench and status. */
  lastBlock: BlockResult | undefined;
  private model: ArModel | undefined;
  private stream: ArStream | undefined;
  private source: ImageSource | undefined;
  private readonly queue: Float32Array[] = [];
  private pending: Promise<void> | undefined;
  private failure: Error | undefined;
  private readonly inputs: Float32Array[] = [];
  private chunks = 0;
  private readonly transition = new PromptTransition();
  private readonly controller = new NoiseController();
  private promptKey: string | undefined;
  private stepsText = '';
  private stepList: number[] = [];
  private resetRequested = false;
  private silent: Conditioning | undefined;
  private last: Image | undefined;
  private out = { width: 0, height: 0 };
  private readonly strengths = new LoraStrengths();

  constructor(
    private readonly spec: ArPipelineSpec,
    private readonly options: ArPipelineOptions = { prefetch: true },
  ) {}

  async load(ctx: LoadContext<ArParams> & { params: ArSnapshot }): Promise<void> {
    this.out = { width: ctx.width, height: ctx.height };
    ctx.progress('finding the export', 0);
    const tiny = ctx.params.model === 'tiny';
    const fits = ctx.width % 16 === 0 && ctx.height % 16 === 0 && ctx.width * ctx.height <= 512 * 512;
    const dir = tiny
      ? (this.options.tinyDir ??
        (await writeTinyExport({ ...this.spec.tiny, ...(fits ? { width: ctx.width, height: ctx.height } : {}) })))
      : await resolveExport(this.spec.manifest, this.options.modelsDir ?? modelsDir(), this.out);
    if (ctx.signal.aborted) return;
    const decoder = ctx.params.vae === 'tiny' ? 'tiny' : 'full';
    setLoraStrengths(this.strengths, ctx.params);
    const loras = await readLoraSet(ctx.params, modelsDir(), this.strengths, ctx.log);
    const options = { decoder, encoder: this.spec.video, ...(loras ? { loras } : {}) } as const;
    this.model = await ArModel.open(ctx.runtime, dir, options, ctx.progress);
    const c = this.model.config;
    this.stream = new ArStream(this.model, this.spec.stream);
    await this.stream.init();
    if (!this.model.text) {
      ctx.log(`${c.model} has no text encoder: prompts are ignored (a zero context)`);
      this.silent = { hidden: new Float32Array(c.text.length * c.text.dim) };
    }
    if (!tiny && ctx.runtime.executionProvider === 'cpu') {
      ctx.log(`${c.model} runs on the CPU execution provider: expect minutes per block; a GPU is needed`);
    }
    const gib = this.stream.cache.kvBytes / 2 ** 30;
    let steps = c.schedule.steps.length;
    try {
      steps = parseStepList(ctx.params.steps).length;
    } catch {
      // An invalid list is reported when the first block runs; the export's own count stands in for the log.
    }
    const banks =
      ctx.params.commit === 'per-step' ? ` per bank; per-step keeps ${steps}: ${(gib * steps).toFixed(2)} GiB` : '';
    ctx.log(
      `${c.model}: ${c.width}x${c.height}, ${c.layers} layers, cache of ${this.stream.cache.policy.slots} frames ` +
        `(${gib.toFixed(2)} GiB of K/V${banks}), ${c.dtype}`,
    );
    if (this.spec.video) {
      ctx.progress('loading the video source', 0.9);
      const source = ctx.params.source ?? videoParams.source.default;
      this.source = await ImageSource.load(source, { ...ctx, width: c.width, height: c.height });
    }
    ctx.progress('warming up', 0.95);
    await this.warmUp();
    ctx.progress('ready', 1);
  }

  /**
   * Runs every graph once before the first frame is due: a GPU provider compiles its kernels on the first run
   * (over half a second for the tiny graphs on lavapipe), which would otherwise stall the first render.
   */
  private async warmUp(): Promise<void> {
    const stream = this.stream!;
    const c = this.model!.config;
    await stream.setConditioning({ hidden: new Float32Array(c.text.length * c.text.dim) });
    const settings = { steps: c.schedule.steps.slice(0, 2), commit: 'clean' as const, seed: 0 };
    if (this.spec.video) {
      const grey = new Float32Array(3 * c.width * c.height);
      await stream.videoBlock(settings, new Array<Float32Array>(1 + c.framesPerLatent).fill(grey), 0.7);
      await stream.videoBlock(settings, new Array<Float32Array>(c.framesPerLatent).fill(grey), 0.7, firstStepFor(0.7));
    } else {
      await stream.textBlock(settings);
    }
    await stream.reset();
  }

  async render(ctx: RenderContext, params: ArSnapshot, input?: Image): Promise<Image> {
    if (!this.stream || !this.model) throw new Error(`${this.spec.id} is not loaded`);
    this.rethrow();
    // The next block run reads them: the strength is live per block.
    setLoraStrengths(this.strengths, params);
    if (params.resetCache) this.resetRequested = true;
    if (this.spec.video) await this.takeInput(ctx, input);
    const low = this.options.prefetch ? this.model.config.cache.blockFrames * this.model.config.framesPerLatent : 0;
    if (!this.pending && this.queue.length <= low && this.canProduce()) {
      this.pending = this.produce(params, ctx.time).then(
        () => {
          this.pending = undefined;
        },
        (err: unknown) => {
          this.pending = undefined;
          this.failure = err instanceof Error ? err : new Error(String(err));
        },
      );
    }
    if (this.queue.length === 0 && this.pending) await this.pending;
    this.rethrow();
    const frame = this.queue.shift();
    if (frame) this.last = this.toImage(frame);
    return this.last ?? this.black();
  }

  async unload(): Promise<void> {
    await this.pending;
    await this.stream?.close();
    await this.model?.close();
    await this.source?.unload();
    this.stream = undefined;
    this.model = undefined;
    this.source = undefined;
  }

  /** Frames decoded and not yet shown. */
  get queued(): number {
    return this.queue.length;
  }

  /** The stream, for the bench and tests. */
  get arStream(): ArStream | undefined {
    return this.stream;
  }

  private rethrow(): void {
    const err = this.failure;
    this.failure = undefined;
    if (err) throw err;
  }

  private async takeInput(ctx: RenderContext, input: Image | undefined): Promise<void> {
    const frame = input ?? (await this.source?.render(ctx));
    if (!frame) return;
    const { width, height } = this.model!.config;
    const sized = frame.width === width && frame.height === height ? frame : scaleCover(frame, width, height);
    this.inputs.push(imageToTensor(sized, width, height));
    if (this.inputs.length > MAX_WAITING_INPUTS) this.inputs.splice(0, this.inputs.length - MAX_WAITING_INPUTS);
  }

  private canProduce(): boolean {
    return !this.spec.video || this.inputs.length >= this.chunkFrames();
  }

  private chunkFrames(): number {
    const n = this.model!.config.framesPerLatent;
    return this.chunks === 0 ? 1 + n : n;
  }

  /** One block with the parameters of the frame that started it. */
  private async produce(params: ArSnapshot, time: number): Promise<void> {
    const stream = this.stream!;
    const steps = this.steps(params.steps);
    const banks = params.commit === 'per-step' ? steps.list.length : 1;
    // Another number of cache banks (per-step with another step count, or a change of commit mode) cannot keep the
    // cached frames: the stream starts afresh whatever manageCache says.
    const rebank = banks !== stream.cache.bankCount && stream.blockCount > 0;
    if ((steps.changed && params.manageCache && stream.blockCount > 0) || this.resetRequested || rebank) {
      this.resetRequested = false;
      await this.reset();
    }
    const text = this.model!.text;
    const prompt = text
      ? await promptConditioning(params, (t) => text.encode(t), this.transition, time)
      : { conditioning: this.silent!, key: '' };
    const cut = this.promptKey !== undefined && prompt.key !== this.promptKey && params.transition === 0;
    if (cut && this.spec.promptCut === 'reset' && stream.blockCount > 0) await this.reset();
    await stream.setConditioning(
      prompt.conditioning,
      cut && this.spec.promptCut === 'recache' ? params.recache : 'off',
    );
    this.promptKey = prompt.key;
    const settings = { steps: steps.list, commit: params.commit, seed: params.seed };
    let result: BlockResult;
    if (this.spec.video) {
      // After a reset the stream's first chunk needs more frames than may be waiting: wait for the next render.
      if (this.inputs.length < this.chunkFrames()) return;
      const chunk = this.inputs.splice(0, this.chunkFrames());
      const { noiseScale = videoParams.noiseScale.default, noiseController = videoParams.noiseController.default } =
        params;
      if (this.chunks === 0) {
        // Upstream's first chunk: the initial noise scale as is, the config's step list as is.
        this.controller.next(noiseScale, chunk, false);
        result = await stream.videoBlock(settings, chunk, noiseScale);
      } else {
        const s = this.controller.next(noiseScale, chunk, noiseController);
        result = await stream.videoBlock(settings, chunk, s, firstStepFor(s));
      }
      this.chunks++;
    } else {
      result = await stream.textBlock(settings);
    }
    this.queue.push(...result.frames);
    this.lastBlock = result;
  }

  /** The step list; while someone types an invalid one the last valid list keeps running. */
  private steps(text: string): { list: number[]; changed: boolean } {
    if (text === this.stepsText) return { list: this.stepList, changed: false };
    let list: number[];
    try {
      list = parseStepList(text);
    } catch (err) {
      if (this.stepList.length === 0) throw err;
      return { list: this.stepList, changed: false };
    }
    const changed = this.stepList.length > 0 && list.join() !== this.stepList.join();
    this.stepsText = text;
    this.stepList = list;
    return { list, changed };
  }

  private async reset(): Promise<void> {
    await this.stream!.reset();
    this.controller.reset();
    this.chunks = 0;
  }

  private toImage(frame: Float32Array): Image {
    const { width, height } = this.model!.config;
    const image = tensorToImage(frame, width, height);
    const { width: w, height: h } = this.out;
    return w === width && h === height ? image : scaleCover(image, w, h);
  }

  private black(): Image {
    const { width, height } = this.out;
    const data = new Uint8Array(width * height * 4);
    for (let i = 3; i < data.length; i += 4) data[i] = 255;
    return { data, width, height };
  }
}
