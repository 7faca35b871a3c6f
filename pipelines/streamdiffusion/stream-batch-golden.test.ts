import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { stagesFor } from './schedule';
import { StreamBatch, activeCfg } from './stream-batch';
import type { UnetBatch } from './stream-batch';
import { cfgModes } from './params';

/**
 * StreamBatch against numbers computed from StreamDiffusion's own maths (tools/reference/streambatch_golden.py,
 * which names the upstream commit) on a closed-form fake UNet: every cfg mode, 1/2/4 stages, δ 1 and 0.5,
 * addNoise on and off, txt2img, and guidance switched off at γ <= 1.
 */
const vector = z.array(z.number());
const Fixture = z.object({
  upstream: z.string(),
  size: z.number().int(),
  calls: z.number().int(),
  stages: z.array(
    z.object({
      index: z.number().int(),
      timestep: z.number().int(),
      alpha: z.number(),
      beta: z.number(),
      cSkip: z.number(),
      cOut: z.number(),
    }),
  ),
  noise: z.array(vector),
  inputs: z.array(vector),
  cases: z.array(
    z.object({
      tIndexList: z.array(z.number().int()),
      mode: z.enum(['img2img', 'txt2img']),
      cfg: z.enum(cfgModes),
      guidance: z.number(),
      delta: z.number(),
      addNoise: z.boolean(),
      expected: z.array(vector),
      upstream: z.array(vector).optional(),
    }),
  ),
});
const fixture = Fixture.parse(JSON.parse(readFileSync(join(__dirname, 'fixtures', 'streambatch-golden.json'), 'utf8')));
const SIZE = fixture.size;

/** The script's fake UNet: 0.7x + 0.2 sin(1.3x + 0.002t + 0.5k) + c (0.15 + 0.05 cos(0.3k)), c = ±1. */
const fakeEps = (x: number, t: number, negative: boolean, k: number) =>
  0.7 * x + 0.2 * Math.sin(1.3 * x + 0.002 * t + 0.5 * k) + (negative ? -1 : 1) * (0.15 + 0.05 * Math.cos(0.3 * k));

function fakeUnet(calls: number[]) {
  return async (b: UnetBatch) => {
    calls.push(b.timesteps.length);
    return Float32Array.from(b.sample, (x, i) => {
      const j = Math.floor(i / SIZE);
      return fakeEps(x, b.timesteps[j]!, b.negative[j]!, i % SIZE);
    });
  };
}

const name = (c: (typeof fixture.cases)[number]) =>
  `${c.mode} [${c.tIndexList.join(',')}] cfg ${c.cfg} γ ${c.guidance} δ ${c.delta} addNoise ${c.addNoise}`;

describe('StreamBatch against StreamDiffusion (golden numbers)', () => {
  it(`names the upstream commit and covers the brief: ${fixture.upstream}`, () => {
    expect(fixture.upstream).toMatch(/StreamDiffusion@[0-9a-f]{40}/);
    const covered = new Set(fixture.cases.map((c) => `${c.cfg}/${c.tIndexList.length}/${c.delta}/${c.addNoise}`));
    for (const cfg of cfgModes)
      for (const n of [1, 2, 4])
        for (const delta of [1, 0.5])
          for (const add of [true, false]) expect(covered).toContain(`${cfg}/${n}/${delta}/${add}`);
  });

  it("the project's schedule gives the script's stages", () => {
    const ours = stagesFor(fixture.stages.map((s) => s.index));
    ours.forEach((s, i) => {
      const want = fixture.stages[i]!;
      expect(s.timestep).toBe(want.timestep);
      for (const key of ['alpha', 'beta', 'cSkip', 'cOut'] as const) expect(s[key]).toBeCloseTo(want[key], 12);
    });
  });

  it.each(fixture.cases.map((c) => [name(c), c] as const))('%s', async (_name, c) => {
    const stages = stagesFor(c.tIndexList);
    const n = stages.length;
    const stream = new StreamBatch(
      stages,
      SIZE,
      fixture.noise.slice(0, n).map((v) => Float32Array.from(v)),
    );
    const g = { cfg: c.cfg, scale: c.guidance, delta: c.delta };
    const calls: number[] = [];
    const outputs: Float32Array[] = [];
    for (let f = 0; f < fixture.calls; f++) {
      const x0 = c.mode === 'img2img' ? Float32Array.from(fixture.inputs[f]!) : undefined;
      outputs.push(await stream.step(x0, fakeUnet(calls), g, c.addNoise));
    }
    // The first n-1 outputs are the pipe filling, which differs by design; every later one is compared.
    const compared = outputs.slice(n - 1);
    expect(compared).toHaveLength(c.expected.length);
    compared.forEach((out, f) => {
      const want = c.expected[f]!;
      for (let k = 0; k < SIZE; k++) expect(Math.abs(out[k]! - want[k]!)).toBeLessThan(1e-5 * (1 + Math.abs(want[k]!)));
    });
    // One UNet call per frame, with upstream's batch: n, 2n for full, n+1 for initialize; none at γ <= 1.
    const batch = { none: n, full: 2 * n, self: n, initialize: n + 1 }[activeCfg(g)];
    expect(calls).toEqual(Array.from({ length: fixture.calls }, () => batch));
    if (c.upstream) {
      // Kept apart on purpose (single stage, self): upstream's own numbers grow from frame to frame; ours do not.
      const peak = (v: number[]) => Math.max(...v.map(Math.abs));
      expect(peak(c.upstream.at(-1)!)).toBeGreaterThan(2 * peak(c.upstream[0]!));
      expect(Math.max(...compared.map((o) => peak([...o])))).toBeLessThan(peak(c.upstream.at(-1)!));
    }
  });
});
