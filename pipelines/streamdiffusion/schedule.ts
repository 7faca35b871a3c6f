/**
 * The LCM/turbo noise schedule StreamDiffusion samples with: Stable Diffusion's "scaled linear" betas over 1000
 * training steps, 50 LCM steps spaced evenly, and `t_index_list` choosing which of those steps a frame visits.
 */

export const TRAIN_STEPS = 1000;
export const BETA_START = 0.00085;
export const BETA_END = 0.012;
export const LCM_STEPS = 50;
/** LCM's boundary-condition constants (sigma_data and the timestep scaling of the consistency parametrisation). */
export const SIGMA_DATA = 0.5;
export const TIMESTEP_SCALING = 10;

/** ᾱ_t for t = 0..999: betas linear in sqrt space between BETA_START and BETA_END, then the running product. */
export function alphasCumprod(steps = TRAIN_STEPS, start = BETA_START, end = BETA_END): Float64Array {
  const out = new Float64Array(steps);
  const a = Math.sqrt(start);
  const b = Math.sqrt(end);
  let prod = 1;
  for (let i = 0; i < steps; i++) {
    const beta = (a + ((b - a) * i) / (steps - 1)) ** 2;
    prod *= 1 - beta;
    out[i] = prod;
  }
  return out;
}

/** The LCM timesteps, descending: 999, 979, ..., 19 for 50 steps over 1000. */
export function lcmTimesteps(steps = LCM_STEPS, train = TRAIN_STEPS): number[] {
  const c = Math.floor(train / steps);
  return Array.from({ length: steps }, (_, i) => (steps - i) * c - 1);
}

/** c_skip and c_out of the LCM boundary condition at timestep t: the output is c_skip·x_t + c_out·x̂₀. */
export function boundaryScalings(t: number): { cSkip: number; cOut: number } {
  const s = t * TIMESTEP_SCALING;
  const d2 = SIGMA_DATA * SIGMA_DATA;
  return { cSkip: d2 / (s * s + d2), cOut: s / Math.sqrt(s * s + d2) };
}

/** Everything one denoising stage needs. */
export interface Stage {
  index: number;
  timestep: number;
  /** √ᾱ_t */
  alpha: number;
  /** √(1-ᾱ_t) */
  beta: number;
  cSkip: number;
  cOut: number;
}

/**
 * The t_index_list used when none is given, StreamDiffusion's for each mode: img2img denoises from t = 359 and
 * t = 99 (its img2img examples, SD-Turbo), txt2img is SD-Turbo's single step from pure noise at t = 999 (its
 * optimal-performance txt2img example). Starting txt2img from pure noise at t = 359 gives mushy pictures.
 */
export const DEFAULT_T_INDEX_LIST = { img2img: '32,45', txt2img: '0' } as const;

/** The t_index_list text that runs: the one given, or the mode's default when it is empty. */
export function tIndexListFor(text: string, mode: keyof typeof DEFAULT_T_INDEX_LIST): string {
  return text.trim() === '' ? DEFAULT_T_INDEX_LIST[mode] : text;
}

/** Parses "0,16,32,45" (or "[32, 45]") into sorted, distinct step indices within 0..steps-1. */
export function parseTIndexList(text: string, steps = LCM_STEPS): number[] {
  const values = text
    .replace(/[[\]]/g, '')
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 0 && n < steps);
  const unique = [...new Set(values)].sort((x, y) => x - y);
  if (unique.length === 0) throw new Error(`t_index_list "${text}" has no step index between 0 and ${steps - 1}`);
  return unique;
}

/** The stages of a t_index_list, first (noisiest) first. */
export function stagesFor(tIndexList: number[], alphas = alphasCumprod()): Stage[] {
  const timesteps = lcmTimesteps();
  return tIndexList.map((index) => {
    const timestep = timesteps[index]!;
    const ab = alphas[timestep]!;
    return { index, timestep, alpha: Math.sqrt(ab), beta: Math.sqrt(1 - ab), ...boundaryScalings(timestep) };
  });
}
