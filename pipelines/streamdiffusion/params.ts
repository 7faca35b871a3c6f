import { scopeEnv } from '../../src/flag-env';
import { p } from '../../src/params/spec';
import type { ParamSpecs } from '../../src/params/spec';
import { promptParams } from '../shared/prompts';
import { loraParams } from '../shared/lora-params';
import { modelIds } from './models';
import { controlNetParams } from './controlnet/params';
import { referenceParams } from './reference/reference-params';

const model = { group: 'model', mode: 'load' } as const;
const prompt = { group: 'prompt' } as const;
const steps = { group: 'steps' } as const;
const filter = { group: 'filter' } as const;

import { inputSources } from '../shared/source';

export { inputSources };
export const cfgModes = ['none', 'full', 'self', 'initialize'] as const;

// DAYDREAM_SCOPE_TINY=1 makes the generated tiny model the default, for development on machines without weights.
const defaultModel = scopeEnv('DAYDREAM_SCOPE_TINY') === '1' ? 'tiny' : 'sd-turbo';

/** Parameters of streamdiffusion: the model and the image source are load-time, everything else live. */
export const streamDiffusionParams = {
  model: p.enum(defaultModel, modelIds, {
    ...model,
    label: 'Model',
    description:
      'sd-turbo / sdxl-turbo need a download; sd-turbo-standin (fp16) / -fp32: SD-Turbo-shaped random weights ' +
      'generated into the models folder on first use (real cost, noise images); sdxs: the one-step fast tier ' +
      '(SDXS-512, an export per size), sdxs-standin / -fp32 its stand-ins; tiny / tiny-xl: test stand-ins',
  }),
  vae: p.enum('full', ['full', 'tiny'] as const, {
    ...model,
    label: 'VAE',
    // Deliberate: StreamDiffusion's wrapper defaults to TAESD; the full VAE gives the sharper picture.
    description: 'full: the model’s own VAE; tiny: TAESD (much faster decode, softer detail)',
  }),
  // Named `source`, not `input`: /scope/input is the command that chooses the video input.
  source: p.enum('neural-field', inputSources, {
    ...model,
    label: 'Image source',
    description: 'Pipeline rendered as the img2img picture while there is no video input (PUT /api/v1/input)',
  }),
  mode: p.enum('img2img', ['img2img', 'txt2img'] as const, { ...prompt, label: 'Mode' }),
  ...promptParams('a watercolor painting of a forest at dawn'),
  negativePrompt: p.text('', { ...prompt, label: 'Negative prompt', description: 'Used by cfg full and initialize' }),
  cfg: p.enum('none', cfgModes, {
    ...steps,
    label: 'Guidance',
    description: 'none (turbo models), full CFG, or residual CFG: self / initialize',
  }),
  guidance: p.number(1.2, {
    ...steps,
    min: 0,
    max: 10,
    smoothing: 0.1,
    label: 'Guidance scale',
    description: 'γ; guidance runs only above 1, as in StreamDiffusion (at or below 1: the prompt alone)',
  }),
  delta: p.number(1, { ...steps, min: 0, max: 2, smoothing: 0.1, label: 'RCFG delta' }),
  tIndexList: p.text('', {
    ...steps,
    maxLength: 200,
    label: 't_index_list',
    description:
      'Steps of the 50-step LCM schedule each frame visits, e.g. 0,16,32,45. Empty: the mode’s default, ' +
      '32,45 for img2img and 0 (one step from t=999, as SD-Turbo is meant to run) for txt2img',
  }),
  addNoise: p.bool(true, {
    ...steps,
    label: 'Add noise',
    description:
      'Fresh noise when a frame moves on to the next step (off: only the √ᾱ scale); the input latent is always ' +
      'noised, as in StreamDiffusion',
  }),
  seed: p.int(2, { ...steps, min: 0, max: 999999, label: 'Seed' }),
  reseed: p.trigger({ ...steps, label: 'New seed', description: 'Draw new noise' }),
  noiseDrift: p.number(0, {
    ...steps,
    min: 0,
    max: 1,
    smoothing: 0.2,
    unit: '/s',
    label: 'Noise drift',
    description: 'How fast the noise wanders (0 = fixed, steady video)',
  }),
  similarityFilter: p.bool(false, { ...filter, label: 'Similarity filter', description: 'Skip near-identical inputs' }),
  similarityThreshold: p.number(0.98, { ...filter, min: 0.5, max: 1, step: 0.001, label: 'Similarity threshold' }),
  maxSkipFrames: p.int(10, { ...filter, min: 0, max: 120, label: 'Max skipped frames' }),
  ...loraParams,
  ...controlNetParams,
  ...referenceParams,
} satisfies ParamSpecs;
