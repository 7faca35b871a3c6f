/** The pre-processor chain as the host takes it: its parameters and one chain per loaded pipeline's runtime. */
import type { Image } from '../engine/frame';
import type { PreprocessorFactory } from '../engine/preprocessor';
import { PreprocessChain } from './chain';
import type { DepthModelSource } from './depth-stage';
import { preprocessParams } from './stage-names';

export { PreprocessChain } from './chain';
export { ConditioningFeed } from './conditioning-feed';
export type { DepthModelSource } from './depth-stage';
export { preprocessParams, stageNames } from './stage-names';

export interface PreprocessFactoryOptions {
  depthModel?: DepthModelSource;
  conditioned?: (image: Image) => void;
  log?: (message: string) => void;
}

export function preprocessorFactory(o: PreprocessFactoryOptions = {}): PreprocessorFactory {
  return {
    specs: preprocessParams,
    create: (runtime) => new PreprocessChain({ runtime, ...o }),
  };
}
