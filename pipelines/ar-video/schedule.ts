/**
 * The flow-matching schedule of the Wan-based causal models (Self-Forcing, LongLive, StreamDiffusionV2), as
 * FlowMatchScheduler(shift, sigma_min=0, extra_one_step=True).set_timesteps(1000) defines it: 1000 entries with
 * s = 1 - k/1000 (k = 0..999), σ = shift·s / (1 + (shift-1)·s), timestep = 1000·σ. Facts and sources:
 * docs/ar-video-block-contract.md and ../shared/research/model-shapes.md §4.0.
 */

/** Entries of the training schedule. */
export const TRAIN_STEPS = 1000;

/** σ of the shifted schedule at the unshifted noise level s in [0, 1]. */
export function shiftSigma(s: number, shift: number): number {
  return (shift * s) / (1 + (shift - 1) * s);
}

/** One denoising step as the model and the sampler see it. */
export interface Step {
  /** What the model's time embedding is fed (1000·σ on the shifted table). */
  timestep: number;
  /** Noise level: x_t = (1-σ)·x0 + σ·noise. */
  sigma: number;
}

export interface ScheduleOptions {
  /** timestep_shift of the model config (LongLive 5, StreamDiffusionV2 8). */
  shift: number;
  /**
   * warp_denoising_step: the nominal list names entries of the shifted table (750 -> 937.5 at shift 5), as LongLive,
   * Self-Forcing and Krea do upstream; without it the nominal value is fed as the timestep (StreamDiffusionV2).
   */
  warp: boolean;
}

/** The shifted table: timesteps and σ of its 1000 entries, largest first. */
export class FlowTable {
  readonly sigmas: Float64Array;
  readonly timesteps: Float64Array;

  constructor(readonly shift: number) {
    if (!(shift > 0)) throw new Error(`timestep shift must be positive, got ${shift}`);
    this.sigmas = new Float64Array(TRAIN_STEPS);
    this.timesteps = new Float64Array(TRAIN_STEPS);
    for (let k = 0; k < TRAIN_STEPS; k++) {
      const sigma = shiftSigma(1 - k / TRAIN_STEPS, shift);
      this.sigmas[k] = sigma;
      this.timesteps[k] = TRAIN_STEPS * sigma;
    }
  }

  /** σ of the entry whose timestep is nearest `t` (what add_noise and the x0 conversion use upstream). */
  sigmaAt(t: number): number {
    // Timesteps fall monotonically, so a binary search finds the neighbours of t.
    let lo = 0;
    let hi = TRAIN_STEPS - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.timesteps[mid]! > t) lo = mid;
      else hi = mid;
    }
    const nearest = Math.abs(this.timesteps[lo]! - t) <= Math.abs(this.timesteps[hi]! - t) ? lo : hi;
    return this.sigmas[nearest]!;
  }

  /** The warped timestep of a nominal step: timesteps[1000 - t], with 0 past the end (t = 0 stays 0). */
  warp(nominal: number): number {
    if (!Number.isInteger(nominal) || nominal < 0 || nominal > TRAIN_STEPS) {
      throw new Error(`a warped denoising step must be an integer from 0 to ${TRAIN_STEPS}, got ${nominal}`);
    }
    return nominal === 0 ? 0 : this.timesteps[TRAIN_STEPS - nominal]!;
  }

  /** The steps a nominal list stands for, warped or not. */
  steps(nominal: readonly number[], warp: boolean): Step[] {
    return nominal.map((n) => {
      const timestep = warp ? this.warp(n) : n;
      return { timestep, sigma: this.sigmaAt(timestep) };
    });
  }
}

/** The most steps a list may have: each is a full forward of the block. */
export const MAX_STEPS = 8;

/**
 * Parses a denoising step list such as "1000, 750, 500, 250": integers from 1 to 1000, strictly falling, at most
 * eight. A trailing 0 (as upstream configs write it) is dropped: the pass at t = 0 is the cache pass, not a step.
 */
export function parseStepList(text: string): number[] {
  const parts = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const values = parts.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (values.some((v) => !Number.isInteger(v))) throw new Error(`denoising steps must be integers, got "${text}"`);
  while (values.length > 0 && values[values.length - 1] === 0) values.pop();
  if (values.length === 0) throw new Error('the denoising step list is empty');
  if (values.length > MAX_STEPS) throw new Error(`at most ${MAX_STEPS} denoising steps, got ${values.length}`);
  if (values.some((v) => v < 1 || v > TRAIN_STEPS)) throw new Error(`denoising steps run from 1 to ${TRAIN_STEPS}`);
  for (let i = 1; i < values.length; i++) {
    if (values[i]! >= values[i - 1]!) throw new Error(`denoising steps must fall, got "${text}"`);
  }
  return values;
}
