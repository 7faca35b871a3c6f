/**
 * The pre-processor stages a performer can chain between the video input and the pipeline, and the parameters
 * that steer them. The chain is one text parameter, `preprocess` ("depth,edges"), checked word by word against
 * these names, so a typo is refused with a sentence and the running chain stays as it was.
 */
import { p } from '../params/spec';
import type { ParamSpecs } from '../params/spec';

export const stageNames = ['grayscale', 'blur', 'posterize', 'threshold', 'edges', 'softedges', 'depth'] as const;
export type StageName = (typeof stageNames)[number];

/** The words of a sanitized `preprocess` value, in order ("" is the empty chain). */
export function chainOf(value: string): StageName[] {
  return value
    .split(',')
    .map((w) => w.trim())
    .filter((w): w is StageName => (stageNames as readonly string[]).includes(w));
}

/** Parameters of the chain, added by the host to every pipeline that takes the video input. */
export function preprocessParams(): ParamSpecs {
  const group = 'preprocess';
  return {
    preprocess: p.text('', {
      group,
      listOf: stageNames,
      maxLength: 200,
      label: 'Pre-process',
      description: `Stages applied to the input, in order, comma-separated: ${stageNames.join(', ')}`,
    }),
    edgeThreshold: p.number(0.25, {
      group,
      min: 0,
      max: 1,
      label: 'Edge threshold',
      description: 'Gradient strength an edge needs (0..1 of a black-to-white step)',
    }),
    blurRadius: p.int(2, {
      group,
      min: 0,
      max: 8,
      unit: 'px',
      label: 'Blur radius',
      description: 'Gaussian radius of the blur stage (sigma = radius / 2; 0 leaves the picture as it is)',
    }),
    posterizeLevels: p.int(4, {
      group,
      min: 2,
      max: 32,
      label: 'Posterise levels',
      description: 'Values per channel the posterize stage keeps',
    }),
    thresholdLevel: p.number(0.5, {
      group,
      min: 0,
      max: 1,
      label: 'Threshold',
      description: 'Luma at or above which the threshold stage gives white',
    }),
    depthSmoothing: p.number(0.6, {
      group,
      min: 0,
      max: 0.98,
      label: 'Depth smoothing',
      description: 'How much of the previous depth map each frame keeps (0 = none): stops the depth flickering',
    }),
  };
}
