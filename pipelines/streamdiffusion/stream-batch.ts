import type { Stage } from './schedule';

/** How classifier-free guidance is done (StreamDiffusion's RCFG variants plus plain CFG). */
export type CfgMode = 'none' | 'full' | 'self' | 'initialize';

/** One UNet call: latents of a batch, their timesteps, and which elements take the negative conditioning. */
export interface UnetBatch {
  sample: Float32Array;
  timesteps: number[];
  negative: boolean[];
}
export type UnetFn = (batch: UnetBatch) => Promise<Float32Array>;

export interface Guidance {
  cfg: CfgMode;
  /** γ: 1 gives the conditional prediction alone. */
  scale: number;
  /** δ: how much of the virtual negative noise RCFG subtracts. */
  delta: number;
}

interface Pending {
  /** Latent waiting at stage i+1 of the FIFO. */
  x: Float32Array;
  /** The noise it was brought to that stage with (self-negative RCFG's ε̄). */
  noise: Float32Array;
  /** The x̂₀ of the negative prediction at stage 0 (onetime-negative RCFG), carried with the frame. */
  x0neg?: Float32Array;
}

/**
 * Stream batch: the denoising steps of consecutive frames run as one batched UNet call. Frame f enters stage 0
 * while frame f-1 is at stage 1, ..., frame f-n+1 at stage n-1; each call finishes one frame, so a frame comes
 * out n-1 calls after it went in, and every call costs one batched UNet evaluation instead of n sequential ones.
 */
export class StreamBatch {
  private fifo: Pending[];

  constructor(
    readonly stages: Stage[],
    readonly size: number,
    private noise: Float32Array[],
  ) {
    if (noise.length !== stages.length) throw new Error('one noise tensor per stage is needed');
    // Until real frames fill it, each waiting slot holds pure noise at its stage, as if x₀ were 0.
    this.fifo = stages.slice(1).map((s, i) => ({ x: scale(noise[i + 1]!, s.beta), noise: noise[i + 1]! }));
  }

  /** Replaces the stage noises (seed change, drift); the frames in flight keep theirs. */
  setNoise(noise: Float32Array[]): void {
    this.noise = noise;
  }

  /**
   * Advances the stream by one frame. `x0` is the encoded input image (img2img) or undefined (txt2img: stage 0
   * starts from pure noise). Returns the latent of the frame that leaves the last stage.
   */
  async step(x0: Float32Array | undefined, unet: UnetFn, g: Guidance, addNoise = true): Promise<Float32Array> {
    const n = this.stages.length;
    const size = this.size;
    const s0 = this.stages[0]!;
    const first = x0 ? (addNoise ? mix(x0, s0.alpha, this.noise[0]!, s0.beta) : x0) : this.noise[0]!;
    const xs = [first, ...this.fifo.map((p) => p.x)];
    const x0negs = [undefined, ...this.fifo.map((p) => p.x0neg)];
    const noises = [this.noise[0]!, ...this.fifo.map((p) => p.noise)];

    const negatives = g.cfg === 'full' ? n : g.cfg === 'initialize' ? 1 : 0;
    const batch = new Float32Array((n + negatives) * size);
    xs.forEach((x, i) => batch.set(x, i * size));
    for (let j = 0; j < negatives; j++) batch.set(xs[j]!, (n + j) * size);
    const timesteps = [...this.stages, ...this.stages.slice(0, negatives)].map((s) => s.timestep);
    const negative = timesteps.map((_, i) => i >= n);
    const eps = await unet({ sample: batch, timesteps, negative });
    if (eps.length !== batch.length) throw new Error(`UNet returned ${eps.length} values for ${batch.length}`);

    const denoised: Float32Array[] = [];
    let frameX0neg: Float32Array | undefined;
    for (let i = 0; i < n; i++) {
      const s = this.stages[i]!;
      const x = xs[i]!;
      const cond = eps.subarray(i * size, (i + 1) * size);
      const out = new Float32Array(size);
      // The virtual negative ε̄ of RCFG: from the UNet (full, or stage 0 of initialize) or from the noise that
      // the latent carries — x = √ᾱ x̂₀(previous) + √(1-ᾱ) ε̄ solved for ε̄.
      let uncond: Float32Array | undefined;
      let virtualScale = 1;
      if (g.cfg === 'full' || (g.cfg === 'initialize' && i === 0)) {
        uncond = eps.subarray((n + i) * size, (n + i + 1) * size);
      } else if (g.cfg === 'self') {
        uncond = noises[i]!;
        virtualScale = g.delta;
      } else if (g.cfg === 'initialize') {
        // Frames that entered before the mode was switched on carry no negative x̂₀: their noise stands in.
        const x0neg = x0negs[i];
        uncond = x0neg ? residualNoise(x, s, x0neg) : noises[i]!;
        virtualScale = g.delta;
      }
      if (g.cfg === 'initialize' && i === 0) frameX0neg = predictX0(x, s, uncond!);
      for (let k = 0; k < size; k++) {
        let e = cond[k]!;
        if (uncond) {
          const u = virtualScale * uncond[k]!;
          e = u + g.scale * (e - u);
        }
        const x0hat = (x[k]! - s.beta * e) / s.alpha;
        out[k] = s.cSkip * x[k]! + s.cOut * x0hat;
      }
      denoised.push(out);
    }

    // Re-noise each stage's result to the next stage's level; the frame leaving the last stage is the output.
    const next: Pending[] = [];
    for (let i = 0; i < n - 1; i++) {
      const s = this.stages[i + 1]!;
      const noise = this.noise[i + 1]!;
      next.push({ x: mix(denoised[i]!, s.alpha, noise, s.beta), noise, x0neg: i === 0 ? frameX0neg : x0negs[i] });
    }
    this.fifo = next;
    return denoised[n - 1]!;
  }
}

/** ε̄ = (x - √ᾱ x̂₀) / √(1-ᾱ): the noise that takes the negative x̂₀ of stage 0 to this latent. */
function residualNoise(x: Float32Array, s: Stage, x0: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) out[k] = (x[k]! - s.alpha * x0[k]!) / s.beta;
  return out;
}

function predictX0(x: Float32Array, s: Stage, eps: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) out[k] = (x[k]! - s.beta * eps[k]!) / s.alpha;
  return out;
}

/** a·x + b·y */
export function mix(x: Float32Array, a: number, y: Float32Array, b: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) out[k] = a * x[k]! + b * y[k]!;
  return out;
}

function scale(x: Float32Array, a: number): Float32Array {
  return Float32Array.from(x, (v) => v * a);
}
