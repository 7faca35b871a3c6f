import { describe, expect, it } from 'vitest';
import { alphasCumprod, boundaryScalings, lcmTimesteps, parseTIndexList, stagesFor, tIndexListFor } from './schedule';

describe('turbo/LCM schedule', () => {
  it('ᾱ_t is the product of 1 - β over the scaled-linear betas', () => {
    const a = alphasCumprod();
    expect(a.length).toBe(1000);
    // Closed form, summed in log space independently of the running product.
    const beta = (i: number) => (Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * i) / 999) ** 2;
    for (const t of [0, 1, 99, 359, 679, 999]) {
      let log = 0;
      for (let i = 0; i <= t; i++) log += Math.log(1 - beta(i));
      expect(a[t]).toBeCloseTo(Math.exp(log), 12);
    }
    expect(a[0]).toBeCloseTo(1 - 0.00085, 12);
    // Stable Diffusion's well-known last value, ᾱ_999 ≈ 0.00466.
    expect(a[999]).toBeCloseTo(0.00466, 5);
  });

  it('LCM timesteps are 999, 979, ..., 19 and t_index_list picks among them', () => {
    const ts = lcmTimesteps();
    expect(ts.length).toBe(50);
    expect([ts[0], ts[1], ts[49]]).toEqual([999, 979, 19]);
    expect(stagesFor([0, 16, 32, 45]).map((s) => s.timestep)).toEqual([999, 679, 359, 99]);
  });

  it('boundary scalings: c_skip = σ²/((10t)² + σ²), c_out = 10t/√((10t)² + σ²)', () => {
    expect(boundaryScalings(0)).toEqual({ cSkip: 1, cOut: 0 });
    const { cSkip, cOut } = boundaryScalings(99);
    expect(cSkip).toBeCloseTo(0.25 / (990 ** 2 + 0.25), 15);
    expect(cOut).toBeCloseTo(990 / Math.sqrt(990 ** 2 + 0.25), 15);
    const s = stagesFor([45])[0]!;
    const a = alphasCumprod()[99]!;
    expect(s.alpha).toBeCloseTo(Math.sqrt(a), 15);
    expect(s.beta).toBeCloseTo(Math.sqrt(1 - a), 15);
  });

  it('parses t_index_list text, sorted and deduplicated, and refuses an empty one', () => {
    expect(parseTIndexList('[32, 45]')).toEqual([32, 45]);
    expect(parseTIndexList('45,0 16;16')).toEqual([0, 16, 45]);
    expect(parseTIndexList('3, 99, -1, x')).toEqual([3]);
    expect(() => parseTIndexList('nope')).toThrow(/no step index/);
  });

  it("an empty t_index_list takes the mode's StreamDiffusion default: one step at t=999 for txt2img", () => {
    expect(stagesFor(parseTIndexList(tIndexListFor('', 'txt2img'))).map((s) => s.timestep)).toEqual([999]);
    expect(stagesFor(parseTIndexList(tIndexListFor(' ', 'img2img'))).map((s) => s.timestep)).toEqual([359, 99]);
    expect(tIndexListFor('0,16,32,45', 'txt2img')).toBe('0,16,32,45');
  });
});
