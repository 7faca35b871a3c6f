import { describe, expect, it } from 'vitest';
import { NoiseBank, seededNoise } from '../shared/noise';
import { stagesFor } from './schedule';
import type { Stage } from './schedule';
import { StreamBatch, mix } from './stream-batch';
import type { CfgMode, Guidance, UnetBatch } from './stream-batch';

const SIZE = 16;
// A closed-form "UNet": ε = 0.1·x + 0.05·t/1000 + (0.3 conditional | -0.2 negative).
const eps = (x: number, t: number, negative: boolean) => 0.1 * x + (0.05 * t) / 1000 + (negative ? -0.2 : 0.3);
const unet = async (b: UnetBatch) =>
  Float32Array.from(b.sample, (x, i) => eps(x, b.timesteps[Math.floor(i / SIZE)]!, b.negative[Math.floor(i / SIZE)]!));

/**
 * The same frame denoised stage after stage on its own, the way a non-streaming sampler would, in float64. RCFG's
 * negative is written the way the paper states it, not as StreamDiffusion's stock recursion: self takes the
 * noise that brings the frame's own input latent z to x, initialize the noise that brings the negative x̂₀ of
 * stage 0 to x (the recursion equals these up to c_skip·√ᾱ + c_out - 1, below 1e-5 here).
 */
function sequential(x0: Float32Array | undefined, stages: Stage[], noise: Float32Array[], g: Guidance): number[] {
  let z = Array.from({ length: SIZE }, (_, k) =>
    x0 ? stages[0]!.alpha * x0[k]! + stages[0]!.beta * noise[0]![k]! : noise[0]![k]!,
  );
  let x0neg: number[] | undefined;
  let out: number[] = [];
  stages.forEach((s, i) => {
    if (g.cfg === 'initialize' && i === 0) x0neg = z.map((x) => (x - s.beta * eps(x, s.timestep, true)) / s.alpha);
    out = z.map((x, k) => {
      const c = eps(x, s.timestep, false);
      let u: number | undefined;
      let scale = 1;
      if (g.cfg === 'full') u = eps(x, s.timestep, true);
      if (g.cfg === 'self') [u, scale] = [(x - s.alpha * x0![k]!) / s.beta, g.delta];
      if (g.cfg === 'initialize') [u, scale] = [(x - s.alpha * x0neg![k]!) / s.beta, g.delta];
      const e = u === undefined ? c : scale * u + g.scale * (c - scale * u);
      return s.cSkip * x + s.cOut * ((x - s.beta * e) / s.alpha);
    });
    const next = stages[i + 1];
    if (next) z = out.map((d, k) => next.alpha * d + next.beta * noise[i + 1]![k]!);
  });
  return out;
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol * (1 + Math.abs(b[i]!)));
};

describe('StreamBatch', () => {
  const stages = stagesFor([0, 16, 32, 45]);
  const noise = stages.map((_, i) => seededNoise(100 + i, SIZE));
  const inputs = Array.from({ length: 8 }, (_, f) => seededNoise(500 + f, SIZE));

  it.each<CfgMode>(['none', 'full', 'self', 'initialize'])(
    'frame f leaves the stream n-1 calls later, denoised exactly as on its own (cfg %s)',
    async (cfg) => {
      const g: Guidance = { cfg, scale: 1.7, delta: 0.8 };
      const stream = new StreamBatch(stages, SIZE, noise);
      const batches: number[] = [];
      const counting = async (b: UnetBatch) => (batches.push(b.timesteps.length), unet(b));
      const outputs: Float32Array[] = [];
      for (const x of inputs) outputs.push(await stream.step(x, counting, g));
      const n = stages.length;
      for (let f = n - 1; f < inputs.length; f++) close(outputs[f]!, sequential(inputs[f - n + 1], stages, noise, g));
      // One UNet call per frame, all stages in its batch (twice over for full CFG, plus one for initialize).
      expect(batches).toEqual(inputs.map(() => ({ none: n, full: 2 * n, self: n, initialize: n + 1 })[cfg]));
    },
  );

  it.each<CfgMode>(['full', 'self', 'initialize'])(
    'guidance is off at γ <= 1, as in StreamDiffusion (cfg %s)',
    async (cfg) => {
      const run = async (g: Guidance) => {
        const stream = new StreamBatch(stages, SIZE, noise);
        const sizes: number[] = [];
        let last: Float32Array = new Float32Array();
        for (const x of inputs) last = await stream.step(x, async (b) => (sizes.push(b.timesteps.length), unet(b)), g);
        return { last, sizes };
      };
      const plain = await run({ cfg: 'none', scale: 1, delta: 1 });
      for (const scale of [1, 0.6]) {
        const off = await run({ cfg, scale, delta: 0.8 });
        // No negative UNet calls, and the picture is the conditional prediction's alone.
        expect(off.sizes).toEqual(plain.sizes);
        close(off.last, plain.last, 1e-7);
      }
    },
  );

  it('addNoise off still noises the input to stage 0 and keeps the √ᾱ scale between stages', async () => {
    const g: Guidance = { cfg: 'none', scale: 1, delta: 1 };
    const two = stagesFor([0, 45]);
    const seen: Float32Array[] = [];
    const stream = new StreamBatch(two, SIZE, [noise[0]!, noise[1]!]);
    const spy = async (b: UnetBatch) => (seen.push(b.sample.slice()), unet(b));
    const first = await stream.step(inputs[0], spy, g, false);
    await stream.step(inputs[1], spy, g, false);
    const [s0, s1] = two;
    // Stage 0 of the first call: √ᾱ·z + √(1-ᾱ)·ε, never the clean latent.
    close(seen[0]!.subarray(0, SIZE), mix(inputs[0]!, s0!.alpha, noise[0]!, s0!.beta));
    // Stage 1 of the second call: the first frame's stage-0 result times √ᾱ of stage 1, no noise added.
    const x1 = seen[1]!.subarray(SIZE, 2 * SIZE);
    expect(first.length).toBe(SIZE);
    const stage0 = seen[0]!.subarray(0, SIZE).map((x) => {
      const e = eps(x, s0!.timestep, false);
      return s0!.cSkip * x + s0!.cOut * ((x - s0!.beta * e) / s0!.alpha);
    });
    close(
      x1,
      stage0.map((d) => s1!.alpha * d),
    );
  });

  it('txt2img starts each frame from the stage-0 noise itself', async () => {
    const g: Guidance = { cfg: 'none', scale: 1, delta: 1 };
    const stream = new StreamBatch(stages, SIZE, noise);
    const outputs: Float32Array[] = [];
    for (let f = 0; f < 5; f++) outputs.push(await stream.step(undefined, unet, g));
    close(outputs[4]!, sequential(undefined, stages, noise, g));
    // Fixed noise and prompt: once the pipe is full, every frame is the same picture.
    close(outputs[4]!, outputs[3]!, 1e-7);
  });

  it('a single stage is plain one-step LCM: c_skip·x + c_out·x̂₀', async () => {
    const [s] = stagesFor([45]);
    const stream = new StreamBatch([s!], SIZE, [noise[0]!]);
    const out = await stream.step(inputs[0], unet, { cfg: 'none', scale: 1, delta: 1 });
    const expected = inputs[0]!.map((x0, k) => {
      const x = s!.alpha * x0 + s!.beta * noise[0]![k]!;
      return s!.cSkip * x + s!.cOut * ((x - s!.beta * eps(x, s!.timestep, false)) / s!.alpha);
    });
    close(out, expected);
  });
});

describe('NoiseBank', () => {
  it('is the same for the same seed, and drift keeps it standard normal while moving it', () => {
    const a = new NoiseBank(20000, 2, 5);
    const b = new NoiseBank(20000, 2, 5);
    expect(a.stages[1]).toEqual(b.stages[1]);
    const before = a.stages[0]!;
    a.drift(0.5);
    expect(a.stages[0]).not.toBe(before);
    const moved = a.stages[0]!;
    const mean = moved.reduce((s, v) => s + v, 0) / moved.length;
    const variance = moved.reduce((s, v) => s + (v - mean) ** 2, 0) / moved.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    // cos(π/4) of the old noise remains: correlation ≈ 0.707.
    const corr = moved.reduce((s, v, i) => s + v * before[i]!, 0) / moved.length;
    expect(corr).toBeCloseTo(Math.SQRT1_2, 1);
  });
});
