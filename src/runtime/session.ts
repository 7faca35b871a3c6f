import type { Feed, PlainTensor, TensorHandle } from './tensor';

export interface RunOptions<K extends string = string> {
  /**
   * Outputs that stay where the session runs and come back as handles: in a GPU buffer on WebGPU, in the worker's
   * memory otherwise. Feed them to the next session, read the finished one with `runtime.read`, release them.
   */
  keep?: readonly K[];
}

/** Outputs of a run with `keep`: the kept ones are handles, the others plain tensors. */
export type KeptOutputs<K extends string> = { readonly [P in K]: TensorHandle } & { readonly [name: string]: Feed };

/** The part of an onnxruntime session that pipelines use; the same whatever the transport or provider. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** The execution provider it was created for (`cpu`, `webgpu`, `cuda`, ...). */
  readonly provider: string;
  run(feeds: Record<string, Feed>): Promise<Record<string, PlainTensor>>;
  run<K extends string>(feeds: Record<string, Feed>, options: RunOptions<K>): Promise<KeptOutputs<K>>;
  /** Ends profiling (a session created with `profile`) and returns the trace file onnxruntime wrote. */
  endProfiling(): Promise<string>;
  /** Releases the session and every tensor handle it produced. */
  release(): Promise<void>;
}

export interface SessionOptions {
  /**
   * Outputs that always go to the host (a finished frame): on WebGPU onnxruntime copies these itself after the
   * run, and every other output stays in a GPU buffer until it is kept or downloaded.
   */
  hostOutputs: readonly string[];
  /** Path prefix for an onnxruntime profile (node placement and kernel times), read with `endProfiling`. */
  profile: string | undefined;
  /**
   * Values for the graph's named free dimensions (onnxruntime's freeDimensionOverrides), for dimensions fixed while
   * the session lives: the WebGPU provider then plans the shapes once.
   */
  freeDimensions: Readonly<Record<string, number>> | undefined;
}
