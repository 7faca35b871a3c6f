/**
 * The host loop against golden values computed once from the upstream algorithms (tools/ar-video-golden/golden.py,
 * which names the upstream commit): LongLive over 10 blocks, the cache rolling from the fifth block on and a prompt
 * cut with recache at the seventh, on the tiny export. The script keeps the cache as upstream does (global and
 * local end indices, a window that rolls behind its sinks, the write protection of a recompute); the host keeps
 * slots, a bias and a latent history. Both use the same noise and the same fake block, so the clean latents must
 * agree to float32 rounding.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import { ArModel } from './ar-model';
import { ArStream } from './ar-stream';
import { writeTinyExport } from './tiny/write';

interface Golden {
  seed: number;
  steps: number[];
  switchAt: number;
  context: [number, number];
  blocks: { positions: number[]; latents: number[][][][] }[];
}

const golden = JSON.parse(readFileSync(new URL('./golden/longlive.json', import.meta.url), 'utf8')) as Golden;
const runtime = new OrtRuntime({ intraOpThreads: 1, device: 'cpu' });
afterAll(() => runtime.close());

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
        // The tiny decoder's 4th frame of a latent frame is that latent (channels 0..2, 8x8 pixels per cell); the
        // stream's first 3 frames are trimmed.
        expected.latents.forEach((latent, f) => {
          const frame = r.frames[b === 0 ? 4 * f : 4 * f + 3]!;
          for (let c = 0; c < 3; c++)
            for (let i = 0; i < h; i++)
              for (let j = 0; j < w; j++) {
                const want = latent[c]![i]![j]!;
                const got = frame[c * H * W + 8 * i * W + 8 * j]!;
                worst = Math.max(worst, Math.abs(got - want) / Math.max(1, Math.abs(want)));
              }
        });
      }
      expect(worst).toBeLessThan(1e-5);
    } finally {
      await stream.close();
      await model.close();
    }
  });
});
