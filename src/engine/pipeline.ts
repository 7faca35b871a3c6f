import type { ParamSpecs, ParamValues } from '../params/spec';
import type { Image } from './frame';
import type { InferenceBackend } from '../runtime/backend';
import type { PreflightContext, PreflightNeeds } from './preflight';

/** The output size every pipeline has as parameters (added by the host; see registry.commonParams). */
export interface OutputSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Values of one frame: every parameter of the pipeline, typed from its spec (numbers, an enum's options,
 * booleans, strings), smoothed, triggers true for exactly one frame; plus the output size.
 */
export type ParamSnapshot<S extends ParamSpecs = ParamSpecs> = ParamValues<S> & OutputSize;

export interface LoadContext<S extends ParamSpecs = ParamSpecs> {
  width: number;
  height: number;
  /** Values of all parameters at load time (load-time ones are read here). */
  params: ParamSnapshot<S>;
  /** Reports a named stage and its progress 0..1 (shown in /api/v1/pipeline/status). */
  progress(stage: string, fraction?: number): void;
  runtime: InferenceBackend;
  signal: AbortSignal;
  log: (message: string) => void;
  /**
   * Shows a sentence in the pipeline's status (`warnings` of /api/v1/pipeline/status, the panel's cards) under
   * `key` while the pipeline runs: something it could not do live, which a log line alone would hide. null clears
   * it. Left out by callers that show no status (a preview, a source inside another pipeline).
   */
  warn?(key: string, sentence: string | null): void;
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
  /**
   * The pre-processor chain's picture (a depth map, edges), given apart from the input only to a pipeline whose
   * `conditioningApart` says so: its input is then the picture before the chain. Absent when the chain is empty.
   */
  conditioning?: Image;
}

/** Where the engine takes a pipeline's input from: the active video input, already scaled to the output size. */
export interface InputProvider {
  /** The newest input picture at width x height, or undefined when there is no input (yet). */
  frame(width: number, height: number): Image | undefined;
}

/**
 * A frame whose work has been sent to where the sessions run (its device outputs held there) but whose pixels
 * have not been read back yet. Exactly one of `collect` and `drop` is called, once.
 */
export interface InFlightFrame {
  /** Waits for the frame's work and reads its pixels; the frame's device outputs are released. */
  collect(): Promise<Image>;
  /** Releases the frame's device outputs without reading them (a flush: unload, a new epoch). */
  drop(): Promise<void>;
}

/** A loaded, stateful instance of a pipeline whose parameters are `S`. */
export interface Pipeline<S extends ParamSpecs = ParamSpecs> {
  load(ctx: LoadContext<S>): Promise<void>;
  /** `input` is the video input at the output size when the definition takes one; read it, never write to it. */
  render(ctx: RenderContext, params: ParamSnapshot<S>, input?: Image): Promise<Image> | Image;
  /**
   * The first half of `render`, for the throughput loop (`pipelineDepth` 2, src/engine/frame-depth.ts): sends the
   * frame's work and returns once it is sent, without reading its pixels, so the next frame's work can be sent
   * before this one is read back. Frames are issued and collected in order. Left out: the pipeline renders at
   * depth 1 whatever the parameter says.
   */
  issue?(ctx: RenderContext, params: ParamSnapshot<S>, input?: Image): Promise<InFlightFrame>;
  unload(): Promise<void> | void;
}

/**
 * What the registry knows about a pipeline before it is loaded. `S` is its parameter specs; the registry holds
 * definitions of any shape as `PipelineDefinition` (the values are checked against the specs by the store).
 */
export interface PipelineDefinition<S extends ParamSpecs = ParamSpecs> {
  id: string;
  name: string;
  description: string;
  /** The pipeline's own parameters; width/height are added by the host for every pipeline. */
  params: S;
  /**
   * Whether render() wants the video input; a function decides per frame from the parameters (so a pipeline
   * that mixes the input in at 0 % costs no scaling). Left out: no input. The function sees the untyped
   * snapshot, so a definition of any parameters stays assignable to PipelineDefinition.
   */
  takesInput?: boolean | ((params: ParamSnapshot) => boolean);
  /**
   * Whether render() wants the pre-processor chain's picture apart (RenderContext.conditioning) and the input as it
   * came (a ControlNet steered by a depth map while img2img starts from the camera). Left out: the chain's picture
   * is the input.
   */
  conditioningApart?: (params: ParamSnapshot) => boolean;
  /**
   * What a load with these parameters needs (files, with sizes and hashes where known), asked before the running
   * pipeline is touched (preflight.ts); throwing refuses the load with the error's sentence. Left out: nothing.
   * It sees the untyped snapshot, like `takesInput`.
   */
  preflight?(
    ctx: PreflightContext,
    params: ParamSnapshot,
  ): Promise<PreflightNeeds | undefined> | PreflightNeeds | undefined;
  create(): Pipeline<S>;
}

/** Declares a pipeline, so its render() and load() see snapshots typed from `params`. */
export function definePipeline<S extends ParamSpecs>(def: PipelineDefinition<S>): PipelineDefinition<S> {
  return def;
}

/** Whether `def` takes the input, in general (for listings) or for this frame's parameters. */
export function takesInput(def: PipelineDefinition, params?: ParamSnapshot): boolean {
  const t = def.takesInput;
  if (typeof t === 'function') return params === undefined ? true : t(params);
  return t === true;
}
