import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSignature } from '../../src/runtime/onnx-signature';
import { OrtRuntime } from '../../src/runtime/ort';
import { describeFallbacks, nodePlacement, ortProviderName, syntheticFeeds } from '../../src/runtime/placement';
import { stagesFor } from './schedule';
import { buildFrameGraph } from './frame-graph';
import { buildFiniteCheck, buildFromRgba, buildPrepare, buildUpdate } from './stream-graphs';
import { negativesOf } from './stream-batch';
import type { CfgMode } from './stream-batch';
import { writeTinyModel } from './tiny/write';

// CI runs this on Mesa's lavapipe; without a WebGPU adapter the first test fails.
const webgpu = new OrtRuntime({ device: 'webgpu' });
afterAll(() => webgpu.close());

/** Symbolic sizes of the exports' inputs at 64×64 (latents 8×8), batch 2. */
const sizes = { batch: 2, height: 8, width: 8, latent_height: 8, latent_width: 8, h: 8, w: 8 };

async function expectAllOnWebGpu(model: string | Uint8Array, dims: Record<string, number> = sizes) {
  const { inputs } = await readSignature(model);
  const placements = await nodePlacement(webgpu, model, syntheticFeeds(inputs, dims));
  expect(placements.length).toBeGreaterThan(0);
  expect(describeFallbacks(placements, ortProviderName.webgpu!)).toBe('');
}

describe('streamdiffusion graphs on WebGPU: no node falls back to the CPU provider', () => {
  it('gets a WebGPU adapter', async () => {
    const choice = await webgpu.provider();
    expect(choice.provider, choice.reason).toBe('webgpu');
  });

  it.each([
    ['SD layout, float32', { xl: false, half: false }],
    ['SD layout, float16', { xl: false, half: true }],
    ['SDXL layout, float32', { xl: true, half: false }],
  ])('tiny stand-ins, %s', async (_name, o) => {
    const dir = await writeTinyModel(o);
    const files = ['text_encoder', 'unet', 'vae_decoder', ...(o.xl ? ['text_encoder_2'] : [])];
    for (const f of files) await expectAllOnWebGpu(join(dir, f, 'model.onnx'));
    // The encoder takes images: 64×64 pixels.
    await expectAllOnWebGpu(join(dir, 'vae_encoder', 'model.onnx'), { ...sizes, height: 64, width: 64 });
  });

  const stages = stagesFor([10, 25, 40]);
  it.each<CfgMode>(['none', 'self', 'full', 'initialize'])('stream graphs, cfg %s', async (cfg) => {
    const n = stages.length;
    for (const half of [false, true]) {
      await expectAllOnWebGpu(
        buildPrepare({
          stages: n,
          negatives: negativesOf(cfg, n),
          img2img: true,
          alpha0: stages[0]!.alpha,
          beta0: stages[0]!.beta,
          latentScale: 0.18215,
          x0Half: half,
          unetHalf: half,
        }),
      );
      for (const addNoise of [true, false]) {
        await expectAllOnWebGpu(
          buildUpdate({ stages, cfg, addNoise, latentScale: 0.18215, epsHalf: half, latentHalf: half }),
        );
      }
    }
  });

  it('the pixel conversions: RGBA in, RGBA / BGRA / I420 / UYVY out, and the NaN check', async () => {
    for (const half of [false, true]) {
      await expectAllOnWebGpu(buildFrameGraph(64, 48, half, ['bgra', 'i420', 'uyvy']));
      await expectAllOnWebGpu(buildFromRgba(64, 48, half));
      await expectAllOnWebGpu(buildFiniteCheck(half));
    }
  });
});
