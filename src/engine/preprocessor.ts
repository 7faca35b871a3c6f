import type { Image } from './frame';
import type { ParamSpecs, ParamValues } from '../params/spec';
import type { InferenceBackend } from '../runtime/backend';

/**
 * The step between the video input and `pipeline.render` (input -> pre-processors -> pipeline): it turns the input
 * picture into the conditioning picture the pipeline sees (depth, edges, ...), on the pipeline's own runtime.
 */
export interface InputPreprocessor {
  /** The picture for this frame; the input itself when the chain is empty. Never throws: a failure passes it on. */
  apply(image: Image, values: ParamValues<ParamSpecs>): Promise<Image>;
  /** Frees its sessions and kept tensors (the pipeline unloads). */
  release(): Promise<void>;
}

/** What the host is given: the parameters of the chain and a chain per loaded pipeline (per runtime). */
export interface PreprocessorFactory {
  /** Parameters added to every pipeline that takes the input (`preprocess` and the stages' knobs). */
  specs(): ParamSpecs;
  create(runtime: InferenceBackend): InputPreprocessor;
}
