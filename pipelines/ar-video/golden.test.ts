/**
 * The host loop against golden values computed once from the upstream algorithms (tools/ar-video-golden/golden.py,
 * which names the upstream commits): LongLive over 10 blocks, the cache rolling from the fifth block on and a prompt
 * cut with recache at the seventh; StreamDiffusionV2 over 12 latent frames (its first chunk, the ring rolling, a
 * position rewind) in each commit mode, per-step against upstream's stream batch; all on the tiny export. The script keeps the cache as upstream does (global and
 * local end indices, a window that rolls behind its sinks, the write protection of a recompute); the host keeps
 * slots, a bias and a latent history. Both use the same noise and the same fake block, so the clean latents must
 * agree to float32 rounding.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import { ArModel } from './ar-model';
import { ArStream } from './ar-stream';
import { floatValues } from './device';
import { tinyTokens } from './tiny/block';
import { writeTinyExport } from './tiny/write';

interface Golden {
  seed: number;
  steps: number[];
  switchAt: number;
  context: [number, number];
  blocks: { positions: number[]; latents: number[][][][] }[];
}

interface SdGolden {
  seed: number;
  steps: number[];
  noiseScale: number;
  tRefresh: number;
  context: number;
  inputs: number[];
  modes: Record<
    'per-step' | 'last-step' | 'clean',
    { positions: number[]; latents: number[][][][]; attended?: number[][][] }[]
  >;
}

const read = (name: string): unknown => JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8'));
const golden = read('longlive.json') as Golden;
const sd = read('streamdiffusionv2.json') as SdGolden;
const runtime = new OrtRuntime({ intraOpThreads: 1, device: 'cpu' });
afterAll(() => runtime.close());

/**
 * Largest relative difference between the latents (channels 0..2) and the decoded frames: the tiny decoder's 4th
 * frame of a latent frame is that latent, 8x8 pixels per cell; the stream's first 3 frames are trimmed.
 */
function mismatch(
  frames: Float32Array[],
  latents: number[][][][],
  first: boolean,
  H: number,
  W: number,
  h: number,
  w: number,
) {
  let worst = 0;
  latents.forEach((latent, f) => {
    const frame = frames[first ? 4 * f : 4 * f + 3]!;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) {
          const want = latent[c]![i]![j]!;
          const got = frame[c * H * W + 8 * i * W + 8 * j]!;
          worst = Math.max(worst, Math.abs(got - want) / Math.max(1, Math.abs(want)));
        }
  });
  return worst;
}

/** The cached frames of a bank as [position, timestep/1024, context + 0, quantised latent] (layer 0, token 0). */
async function cached(stream: ArStream, bank: number): Promise<number[][]> {
  const feeds = stream.cache.feeds(bank);
  const T = tinyTokens(stream.model.config.latent);
  const k = floatValues(await stream.model.device.read(feeds['cache_k.0']!));
  const v = floatValues(await stream.model.device.read(feeds['cache_v.0']!));
  const bias = stream.cache.policy.bias();
  const rows: number[][] = [];
  bias.forEach((b, s) => {
    if (b === 0) rows.push([k[s * T * 2]!, k[s * T * 2 + 1]!, v[s * T * 2]!, v[s * T * 2 + 1]!]);
  });
  return rows.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[3]! - b[3]!);
}

const hidden = (first: number) => Float32Array.from({ length: 32 }, (_, i) => (i === 0 ? first : 0.125));

describe('ar-video host loop against upstream golden values', () => {
  it('LongLive: 10 blocks with the cache rolling and a prompt cut recached at block 6', async () => {
    expect(golden.blocks).toHaveLength(10);
    const model = await ArModel.open(
      runtime,
      await writeTinyExport({
        model: 'tiny-longlive',
        cache: { sinkFrames: 3, windowFrames: 12, blockFrames: 3 },
        schedule: { shift: 5, warp: true, steps: [1000, 750] },
        width: 64,
        height: 32,
      }),
      { decoder: 'full', encoder: false },
    );
    const stream = new ArStream(model, { positionLimit: 1024, onLimit: 'reset', rewindTo: 0 });
    await stream.init();
    try {
      await stream.setConditioning({ hidden: hidden(golden.context[0]) });
      const { height: H, width: W } = model.config;
      const { height: h, width: w } = model.config.latent;
      let worst = 0;
      for (const [b, expected] of golden.blocks.entries()) {
        if (b === golden.switchAt) await stream.setConditioning({ hidden: hidden(golden.context[1]) }, 'keep-sinks');
        const r = await stream.textBlock({ steps: golden.steps, commit: 'clean', seed: golden.seed });
        expect(r.positions).toEqual(expected.positions);
        worst = Math.max(worst, mismatch(r.frames, expected.latents, b === 0, H, W, h, w));
      }
      expect(worst).toBeLessThan(1e-5);
    } finally {
      await stream.close();
      await model.close();
    }
  });

  it.each(['per-step', 'last-step', 'clean'] as const)(
    'StreamDiffusionV2, %s: first chunk, the ring rolling, a rewind',
    async (mode) => {
      const expected = sd.modes[mode];
      const model = await ArModel.open(
        runtime,
        await writeTinyExport({
          model: 'tiny-sdv2',
          cache: { sinkFrames: 3, windowFrames: 6, blockFrames: 1 },
          schedule: { shift: 8, warp: false, steps: [700, 500] },
          width: 64,
          height: 32,
        }),
        { decoder: 'full', encoder: true },
      );
      const stream = new ArStream(model, { positionLimit: sd.tRefresh, onLimit: 'rewind', rewindTo: 5 });
      await stream.init();
      try {
        await stream.setConditioning({ hidden: hidden(sd.context) });
        const { height: H, width: W } = model.config;
        const { height: h, width: w } = model.config.latent;
        const flat = (v: number) => new Float32Array(3 * H * W).fill(v);
        const settings = { steps: sd.steps, commit: mode, seed: sd.seed };
        const firstStep = Math.trunc(1000 * sd.noiseScale) - 100;
        let worst = 0;
        for (const [b, want] of expected.entries()) {
          // What each denoising step attends to: its own bank (per-step), else the one cache.
          if (want.attended) {
            const seen = [];
            for (let i = 0; i < sd.steps.length; i++) seen.push(await cached(stream, mode === 'per-step' ? i : 0));
            expect(seen, `block ${b}`).toEqual(want.attended);
          }
          const r =
            b === 0
              ? await stream.videoBlock(settings, sd.inputs.slice(0, 5).map(flat), sd.noiseScale)
              : await stream.videoBlock(
                  settings,
                  sd.inputs.slice(1 + 4 * b, 5 + 4 * b).map(flat),
                  sd.noiseScale,
                  firstStep,
                );
          expect(r.positions).toEqual(want.positions);
          worst = Math.max(worst, mismatch(r.frames, want.latents, b === 0, H, W, h, w));
        }
        expect(worst).toBeLessThan(1e-5);
      } finally {
        await stream.close();
        await model.close();
      }
    },
  );
});
