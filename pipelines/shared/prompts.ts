/**
 * Four weighted prompts, blended linearly or by slerp, with timed transitions: the parameters and the per-frame
 * conditioning that streamdiffusion and the autoregressive video pipelines share.
 */
import { p } from '../../src/params/spec';
import type { ParamValues } from '../../src/params/spec';
import { blendConditionings } from './blend';
import type { Conditioning, PromptTransition } from './blend';

const prompt = { group: 'prompt' } as const;

const weight = (n: number, def: number) =>
  p.number(def, {
    ...prompt,
    min: 0,
    max: 1,
    smoothing: 0.2,
    label: `Weight ${n}`,
    description: `Weight of prompt ${n}`,
  });

/** prompt..prompt4, weight1..weight4, blend and transition, with `text` as the first prompt's default. */
export function promptParams(text: string) {
  return {
    prompt: p.text(text, { ...prompt, label: 'Prompt', multiline: true }),
    prompt2: p.text('', { ...prompt, label: 'Prompt 2' }),
    prompt3: p.text('', { ...prompt, label: 'Prompt 3' }),
    prompt4: p.text('', { ...prompt, label: 'Prompt 4' }),
    weight1: weight(1, 1),
    weight2: weight(2, 0),
    weight3: weight(3, 0),
    weight4: weight(4, 0),
    blend: p.enum('slerp', ['linear', 'slerp'] as const, {
      ...prompt,
      label: 'Blend',
      description: 'How prompts mix: weighted mean, or spherical for two prompts',
    }),
    transition: p.number(1, {
      ...prompt,
      min: 0,
      max: 30,
      unit: 's',
      label: 'Transition',
      description: 'Prompt change fade',
    }),
  };
}

/** The prompt parameters' values: what promptConditioning reads from any snapshot that has them. */
export type PromptValues = ParamValues<ReturnType<typeof promptParams>>;

/** The conditioning of one frame, and the key naming the prompts behind it (it changes when a prompt does). */
export interface PromptState {
  conditioning: Conditioning;
  key: string;
}

/**
 * The blended, transitioning conditioning of the four prompts at `time`: the first prompt always counts, the
 * others when they have text and weight; `encode` turns a text into its conditioning (cached by the encoder).
 */
export async function promptConditioning(
  params: PromptValues,
  encode: (text: string) => Promise<Conditioning>,
  transition: PromptTransition,
  time: number,
): Promise<PromptState> {
  const texts = [params.prompt, params.prompt2, params.prompt3, params.prompt4];
  const weights = [params.weight1, params.weight2, params.weight3, params.weight4];
  const used = texts.map((t, i) => (i === 0 || (t.trim() !== '' && weights[i]! > 0) ? t : undefined));
  const conds: Conditioning[] = [];
  const usedWeights: number[] = [];
  for (const [i, t] of used.entries()) {
    if (t === undefined) continue;
    conds.push(await encode(t));
    usedWeights.push(weights[i]!);
  }
  const target = blendConditionings(conds, usedWeights, params.blend);
  const key = used.map((t) => t ?? '').join('\u0000');
  return { conditioning: transition.update(key, target, time, params.transition, params.blend), key };
}
