/**
 * The pre-processor chain of one loaded pipeline: the input picture goes through the stages named by `preprocess`,
 * in order, each an ONNX session on the pipeline's runtime; between stages the picture stays where the sessions
 * run (a kept tensor), and only the finished picture comes back as RGBA bytes.
 */
import type { Image } from '../engine/frame';
import type { InputPreprocessor } from '../engine/preprocessor';
import type { ParamSpecs, ParamValues } from '../params/spec';
import type { InferenceBackend } from '../runtime/backend';
import type { OrtSession } from '../runtime/session';
import type { Feed, PlainTensor, TensorHandle } from '../runtime/tensor';
import { chainOf } from './stage-names';
import type { StageName } from './stage-names';
import { DepthStage } from './depth-stage';
import type { DepthModelSource } from './depth-stage';
import * as graphs from './stage-graphs';

export interface ChainOptions {
  runtime: InferenceBackend;
  /** Where the depth model comes from; without it `depth` is skipped (said once in the log). */
  depthModel?: DepthModelSource;
  /** Told every conditioning picture the chain makes (the conditioning output, the panel). */
  conditioned?: (image: Image) => void;
  log?: (message: string) => void;
}

type GraphStage = Exclude<StageName, 'depth'>;

const builders: Record<GraphStage | 'unpack' | 'pack', () => Uint8Array> = {
  unpack: graphs.unpackGraph,
  pack: graphs.packGraph,
  grayscale: graphs.grayscaleGraph,
  blur: graphs.blurGraph,
  posterize: graphs.posterizeGraph,
  threshold: graphs.thresholdGraph,
  edges: graphs.edgesGraph,
  softedges: graphs.softEdgesGraph,
};

const scalar = (v: number): PlainTensor => ({ type: 'float32', dims: [], data: Float32Array.of(v) });
const num = (values: ParamValues<ParamSpecs>, key: string, fallback: number): number => {
  const v = values[key];
  return typeof v === 'number' ? v : fallback;
};

/** The scalar inputs of each stage, from this frame's values. */
function knobs(stage: GraphStage, values: ParamValues<ParamSpecs>): Record<string, PlainTensor> {
  switch (stage) {
    case 'blur':
      return { radius: scalar(num(values, 'blurRadius', 2)) };
    case 'posterize':
      return { levels: scalar(num(values, 'posterizeLevels', 4)) };
    case 'threshold':
      return { level: scalar(num(values, 'thresholdLevel', 0.5)) };
    case 'edges':
      return { threshold: scalar(num(values, 'edgeThreshold', 0.25)) };
    default:
      return {};
  }
}

export class PreprocessChain implements InputPreprocessor {
  private readonly sessions = new Map<string, Promise<OrtSession>>();
  private readonly depth: DepthStage;
  private readonly said = new Set<string>();

  constructor(private readonly o: ChainOptions) {
    this.depth = new DepthStage(o.runtime, o.depthModel, (m) => this.say(m));
  }

  async apply(image: Image, values: ParamValues<ParamSpecs>): Promise<Image> {
    const stages = chainOf(typeof values.preprocess === 'string' ? values.preprocess : '');
    if (!stages.includes('depth')) await this.depth.reset();
    if (stages.length === 0) return image;
    try {
      const out = await this.run(stages, image, values);
      this.o.conditioned?.(out);
      return out;
    } catch (err) {
      this.say(`pre-processing (${stages.join(',')}) failed, the input goes on unchanged: ${(err as Error).message}`);
      return image;
    }
  }

  private async run(stages: StageName[], image: Image, values: ParamValues<ParamSpecs>): Promise<Image> {
    const { width, height } = image;
    const rgba: PlainTensor = { type: 'uint8', dims: [height, width, 4], data: image.data };
    let current = (await (await this.session('unpack')).run({ rgba }, { keep: ['image'] })).image;
    try {
      for (const stage of stages) {
        const next = await this.stage(stage, current, values);
        if (next === current) continue;
        await this.o.runtime.release(current);
        current = next;
      }
      const packed = await (await this.session('pack')).run({ image: current });
      const bytes = packed.rgba!.data as Uint8Array;
      return { data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), width, height };
    } finally {
      await this.o.runtime.release(current);
    }
  }

  /** One stage on `image`: a new kept picture, or `image` itself when the stage is skipped. */
  private async stage(stage: StageName, image: TensorHandle, values: ParamValues<ParamSpecs>): Promise<TensorHandle> {
    if (stage === 'depth') return this.depth.run(image, num(values, 'depthSmoothing', 0.6));
    const feeds: Record<string, Feed> = { image, ...knobs(stage, values) };
    return (await (await this.session(stage)).run(feeds, { keep: ['out'] })).out;
  }

  private session(name: keyof typeof builders): Promise<OrtSession> {
    let s = this.sessions.get(name);
    if (!s) {
      const options = name === 'pack' ? { hostOutputs: ['rgba'] } : {};
      s = this.o.runtime.createSession(builders[name](), options);
      // A session that failed to open is asked again next time, not remembered broken.
      s.catch(() => this.sessions.delete(name));
      this.sessions.set(name, s);
    }
    return s;
  }

  private say(message: string): void {
    if (this.said.has(message)) return;
    this.said.add(message);
    this.o.log?.(message);
  }

  async release(): Promise<void> {
    await this.depth.release();
    const open = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of open) await s.then((x) => x.release()).catch(() => {});
  }
}
