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
  /** γ: guidance is applied only above 1, as in StreamDiffusion (at or below 1 the conditional prediction alone). */
  scale: number;
  /** δ: how much of the virtual negative noise RCFG subtracts. */
  delta: number;
}

/**
 * The cfg mode that actually runs: StreamDiffusion switches guidance off entirely for γ <= 1 (no negative UNet
 * calls, the conditional prediction alone), whatever cfg says; so does Scope, also for a live γ that crosses 1.
 */
export function activeCfg(g: Guidance): CfgMode {
  return g.scale > 1 ? g.cfg : 'none';
}

/** Batch layout of a cfg mode: how many negative copies follow the n conditional ones. */
export const negativesOf = (cfg: CfgMode, n: number) => (cfg === 'full' ? n : cfg === 'initialize' ? 1 : 0);

interface Pending {
  /** Latent waiting at stage i+1 of the FIFO. */
  x: Float32Array;
  /**
   * Its stock noise ε̄, RCFG's virtual negative at that stage, carried with the frame. StreamDiffusion's
   * recursion (see stockNext): with addNoise on, this equals (x - √ᾱ·z)/√(1-ᾱ), the noise that takes the frame's own
   * input latent z to x — "the input is the negative" — up to c_skip·√ᾱ + c_out - 1 (below 1e-5 on this schedule).
   */
  stock: Float32Array;
}

/**
 * Stream batch: the denoising steps of consecutive frames run as one batched UNet call. Frame f enters stage 0
 * while frame f-1 is at stage 1, ..., frame f-n+1 at stage n-1; each call finishes one frame, so a frame comes
 * out n-1 calls after it went in, and every call costs one batched UNet evaluation instead of n sequential ones.
 * The arithmetic is StreamDiffusion's (pipeline.py predict_x0_batch / unet_step, frame_buffer_size 1), checked
 * against numbers from its maths in stream-batch-golden.test.ts; the differences kept are marked "Deliberate".
 */
export class StreamBatch {
  private fifo: Pending[];

  constructor(
    readonly stages: Stage[],
    readonly size: number,
    private noise: Float32Array[],
  ) {
    if (noise.length !== stages.length) throw new Error('one noise tensor per stage is needed');
    // Deliberate: until real frames fill it, each waiting slot holds pure noise at its stage, as if x₀ were 0
    // (StreamDiffusion starts from zeros). Only the first n-1 frames out differ.
    this.fifo = stages.slice(1).map((s, i) => ({ x: scale(noise[i + 1]!, s.beta), stock: noise[i + 1]! }));
  }

  /** Replaces the stage noises (seed change, drift); the frames in flight keep theirs. */
  setNoise(noise: Float32Array[]): void {
    this.noise = noise;
  }

  /**
   * Advances the stream by one frame. `x0` is the encoded input image (img2img) or undefined (txt2img: stage 0
   * starts from the stage-0 noise). `addNoise` off leaves out the fresh noise when a frame moves on to the next
   * stage; the input latent is noised to stage 0 either way, as in StreamDiffusion (encode_image always noises:
   * a clean latent fed in at t = 359 comes out 1.4x too strong, at t = 999 14.6x). Returns the latent of the
   * frame that leaves the last stage.
   */
  async step(x0: Float32Array | undefined, unet: UnetFn, g: Guidance, addNoise = true): Promise<Float32Array> {
    const n = this.stages.length;
    const size = this.size;
    const s0 = this.stages[0]!;
    const cfg = activeCfg(g);
    // Deliberate: txt2img starts from the fixed stage-0 noise rather than fresh noise each call, so a steady
    // prompt gives a steady picture (noiseDrift moves it); StreamDiffusion draws new noise every frame.
    const first = x0 ? mix(x0, s0.alpha, this.noise[0]!, s0.beta) : this.noise[0]!;
    const xs = [first, ...this.fifo.map((p) => p.x)];

    const negatives = negativesOf(cfg, n);
    const batch = new Float32Array((n + negatives) * size);
    xs.forEach((x, i) => batch.set(x, i * size));
    // Negative copies follow the conditional ones (StreamDiffusion puts them first; the order changes nothing).
    for (let j = 0; j < negatives; j++) batch.set(xs[j]!, (n + j) * size);
    const timesteps = [...this.stages, ...this.stages.slice(0, negatives)].map((s) => s.timestep);
    const negative = timesteps.map((_, i) => i >= n);
    const eps = await unet({ sample: batch, timesteps, negative });
    if (eps.length !== batch.length) throw new Error(`UNet returned ${eps.length} values for ${batch.length}`);

    // A frame enters with the stage-0 noise as its stock noise; with initialize, the UNet's negative prediction.
    // Deliberate for a single stage: StreamDiffusion then carries the stock from one frame's stage 0 into the
    // next frame's (its roll is a no-op at n = 1), which starts at zero and grows without bound for self; here
    // every frame starts from its own stage-0 noise, as at stage 0 of a longer list.
    const stage0Stock = cfg === 'initialize' ? eps.slice(n * size, (n + 1) * size) : this.noise[0]!;
    const stocks = [stage0Stock, ...this.fifo.map((p) => p.stock)];
    const denoised: Float32Array[] = [];
    const guided: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      const s = this.stages[i]!;
      const x = xs[i]!;
      const cond = eps.subarray(i * size, (i + 1) * size);
      // The negative: from the UNet (full), or the stock noise times δ (self, initialize — δ applies to the
      // stage-0 negative of initialize too, as upstream).
      const uncond = cfg === 'full' ? eps.subarray((n + i) * size, (n + i + 1) * size) : stocks[i]!;
      const virtualScale = cfg === 'full' ? 1 : g.delta;
      const e = new Float32Array(size);
      const out = new Float32Array(size);
      for (let k = 0; k < size; k++) {
        let v = cond[k]!;
        if (cfg !== 'none') {
          const u = virtualScale * uncond[k]!;
          v = u + g.scale * (v - u);
        }
        e[k] = v;
        // Deliberate: one-step txt2img keeps the LCM boundary too (txt2img_sd_turbo takes x̂₀ alone; c_skip is
        // 2.5e-9 at t = 999, so the pictures are the same).
        out[k] = s.cSkip * x[k]! + s.cOut * ((x[k]! - s.beta * v) / s.alpha);
      }
      denoised.push(out);
      guided.push(e);
    }

    // Move each frame on to the next stage's level; the frame leaving the last stage is the output.
    const next: Pending[] = [];
    for (let i = 0; i < n - 1; i++) {
      const s = this.stages[i + 1]!;
      const noise = this.noise[i + 1]!;
      // addNoise off keeps the √ᾱ scale and leaves out the noise term, as StreamDiffusion's do_add_noise.
      const x = addNoise ? mix(denoised[i]!, s.alpha, noise, s.beta) : scale(denoised[i]!, s.alpha);
      next.push({ x, stock: stockNext(this.stages[i]!, s, stocks[i]!, guided[i]!, noise) });
    }
    this.fifo = next;
    return denoised[n - 1]!;
  }
}

/**
 * StreamDiffusion's stock-noise recursion, from stage s to the next stage t: the LCM step applied to the scaled
 * stock √(1-ᾱ_s)·ε̄ (c_skip·√(1-ᾱ_s)·ε̄ + c_out·√(1-ᾱ_s)(ε̄ - ε)/√ᾱ_s), brought to t's level (·√ᾱ_t/√(1-ᾱ_t)),
 * plus t's stage noise. It is computed in every cfg mode, so that a frame in flight when self or initialize is
 * switched on already carries the right negative. (Upstream also adds the stage noise when do_add_noise is off.)
 */
function stockNext(s: Stage, t: Stage, stock: Float32Array, eps: Float32Array, noise: Float32Array): Float32Array {
  const out = new Float32Array(stock.length);
  const k = t.alpha / t.beta;
  for (let j = 0; j < stock.length; j++) {
    const scaled = s.beta * stock[j]!;
    out[j] = noise[j]! + k * (s.cSkip * scaled + (s.cOut * (scaled - s.beta * eps[j]!)) / s.alpha);
  }
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
