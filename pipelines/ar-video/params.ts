/** Parameters of the autoregressive video pipelines (Scope's, where Scope has them). */
import { scopeEnv } from '../../src/flag-env';
import { p } from '../../src/params/spec';
import type { ParamSpecs } from '../../src/params/spec';
import { promptParams } from '../shared/prompts';
import { loraParamsFor } from '../shared/lora-params';

const model = { group: 'model', mode: 'load' } as const;
const steps = { group: 'steps' } as const;
const cache = { group: 'cache' } as const;

import { inputSources } from '../shared/source';

export { inputSources };
export const recacheModes = ['keep-sinks', 'all', 'off'] as const;
export const commitModes = ['clean', 'last-step', 'per-step'] as const;

export interface ArParamOptions {
  /** The real export's id; `tiny` is always offered too. */
  exportId: string;
  prompt: string;
  steps: string;
  recache: (typeof recacheModes)[number];
  commit: (typeof commitModes)[number];
}

/** The parameter specs of a text-to-video ar-video pipeline. */
export function arParams(o: ArParamOptions) {
  // DAYDREAM_SCOPE_TINY=1 makes the generated tiny model the default, for development on machines without weights.
  const defaultModel = scopeEnv('DAYDREAM_SCOPE_TINY') === '1' ? 'tiny' : o.exportId;
  return {
    model: p.enum(defaultModel, [o.exportId, 'tiny'], {
      ...model,
      label: 'Model',
      description: `${o.exportId} is made by tools/ar-video-export on a GPU machine; tiny is a generated stand-in`,
    }),
    vae: p.enum('full', ['full', 'tiny'] as const, {
      ...model,
      label: 'VAE',
      description: 'full: the Wan VAE decoder; tiny: TAEHV (much faster decode, softer detail)',
    }),
    ...promptParams(o.prompt),
    steps: p.text(o.steps, {
      ...steps,
      maxLength: 60,
      label: 'Denoising steps',
      description:
        'Timesteps of the few-step schedule, e.g. 1000,750,500,250 (warped through the shift where the model was trained so)',
    }),
    seed: p.int(42, { ...steps, min: 0, max: 999999, label: 'Seed' }),
    commit: p.enum(o.commit, commitModes, {
      ...cache,
      label: 'Cache from',
      description:
        'clean: one more pass at t = 0 writes the cache (Self-Forcing, LongLive); last-step: the last denoising step’s K/V (one forward less); per-step: one cache per denoising step, as StreamDiffusionV2’s stream batch (memory × steps)',
    }),
    recache: p.enum(o.recache, recacheModes, {
      ...cache,
      label: 'Recache on prompt cut',
      description:
        'On a prompt change without transition: re-run the cached frames under the new prompt (keep-sinks: LongLive’s global sink; all: new sinks from the recent frames), or nothing. StreamDiffusionV2 starts afresh on a cut instead',
    }),
    manageCache: p.bool(true, {
      ...cache,
      label: 'Manage cache',
      description: 'Start the video afresh when the denoising steps change',
    }),
    resetCache: p.trigger({ ...cache, label: 'Reset cache', description: 'Start the video afresh' }),
    // The block's KV cache holds what the LoRA shaped: a new LoRA reloads (the stream starts afresh anyway).
    ...loraParamsFor('reload'),
  } satisfies ParamSpecs;
}

/** What video to video adds: the image source, the noise scale and the noise controller. */
export const videoParams = {
  // Named `source`, not `input`: /scope/input is the command that chooses the video input.
  source: p.enum('neural-field', inputSources, {
    ...model,
    label: 'Video source',
    description: 'Rendered as the input when no video input is selected',
  }),
  noiseScale: p.number(0.7, {
    ...steps,
    min: 0.15,
    max: 1,
    step: 0.01,
    label: 'Noise scale',
    description: 'How much of the input is replaced by noise; the first step is int(1000·s) - 100',
  }),
  noiseController: p.bool(true, {
    ...steps,
    label: 'Noise controller',
    description: 'Less noise when the input moves fast (StreamDiffusionV2)',
  }),
} satisfies ParamSpecs;

/** The parameter specs of a video-to-video ar-video pipeline. */
export function arVideoParams(o: ArParamOptions) {
  return { ...arParams(o), ...videoParams };
}

export type ArParams = ReturnType<typeof arParams>;
export type ArVideoParams = ReturnType<typeof arVideoParams>;
