import type { ParamSpecs, ParamValue } from '../params/spec';
import type { Image } from './frame';
import type { OrtRuntime } from '../runtime/ort';

/** Values of one frame: every parameter of the pipeline, smoothed, triggers true for exactly one frame. */
export type ParamSnapshot = Readonly<Record<string, ParamValue>>;

export interface LoadContext {
  width: number;
  height: number;
  /** Values of all parameters at load time (load-time ones are read here). */
  params: ParamSnapshot;
  /** Reports a named stage and its progress 0..1 (shown in /api/v1/pipeline/status). */
  progress(stage: string, fraction?: number): void;
  runtime: OrtRuntime;
  signal: AbortSignal;
  log: (message: string) => void;
}

export interface RenderContext {
  /** Seconds since the pipeline was loaded, on the engine's clock. */
  time: number;
  /** Seconds since the previous frame. */
  dt: number;
  /** Frames rendered since the pipeline was loaded. */
  frameIndex: number;
  width: number;
  height: number;
}

/** Where the engine takes a pipeline's input from: the active video input, already scaled to the output size. */
export interface InputProvider {
  /** The newest input picture at width x height, or undefined when there is no input (yet). */
  frame(width: number, height: number): Image | undefined;
}

/** A loaded, stateful instance of a pipeline. */
export interface Pipeline {
  load(ctx: LoadContext): Promise<void>;
  /** `input` is the video input at the output size when the definition takes one; read it, never write to it. */
  render(ctx: RenderContext, params: ParamSnapshot, input?: Image): Promise<Image> | Image;
  unload(): Promise<void> | void;
}

/** What the registry knows about a pipeline before it is loaded. */
export interface PipelineDefinition {
  id: string;
  name: string;
  description: string;
  /** The pipeline's own parameters; width/height are added by the host for every pipeline. */
  params: ParamSpecs;
  /**
   * Whether render() wants the video input; a function decides per frame from the parameters (so a pipeline
   * that mixes the input in at 0 % costs no scaling). Left out: no input.
   */
  takesInput?: boolean | ((params: ParamSnapshot) => boolean);
  create(): Pipeline;
}

/** Whether `def` takes the input, in general (for listings) or for this frame's parameters. */
export function takesInput(def: PipelineDefinition, params?: ParamSnapshot): boolean {
  const t = def.takesInput;
  if (typeof t === 'function') return params === undefined ? true : t(params);
  return t === true;
}
