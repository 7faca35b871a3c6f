import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { seededNoise } from '../../shared/noise';
import { readSignature } from '../../../src/runtime/onnx-signature';
import { MASKED } from '../cache-policy';
import { assertContract, blockSpec, decoderSpec, encoderSpec, textEncoderSpec } from '../contract';
import { readExportConfig } from '../export-config';
import { tinyTokens } from './block';
import { tinyDecode, tinyFlow, tinyNewKv } from './closed-form';
import type { TinyBlockInputs } from './closed-form';
import { tinyTextTable } from './codecs';
import { writeTinyExport } from './write';

const options = {
  model: 'tiny-test',
  cache: { sinkFrames: 1, windowFrames: 5, blockFrames: 2 },
  schedule: { shift: 5, warp: true, steps: [1000, 750] },
  width: 64,
  height: 32,
};

/** Runs a graph file on one execution provider with plain float32/int64 feeds. */
async function run(dir: string, file: string, ep: 'cpu' | 'webgpu', feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(join(dir, file), { executionProviders: [ep] });
  try {
    const out = await session.run(feeds);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
  } finally {
    await session.release();
  }
}

const tensor = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);

describe('tiny ar-video export', () => {
  it('writes graphs that follow the contract, which the load-time check accepts', async () => {
    const dir = await writeTinyExport(options);
    const c = await readExportConfig(dir);
    const check = async (file: string, spec: Parameters<typeof assertContract>[2]) =>
      assertContract(file, await readSignature(join(dir, file)), spec, c.dtype);
    await check('block.onnx', blockSpec(c));
    await check('text_encoder.onnx', textEncoderSpec(c));
    await check('vae_decoder.onnx', decoderSpec(c, false));
    await check('vae_encoder.onnx', encoderSpec(c, false));
    await check('vae_encoder_first.onnx', encoderSpec(c, true));
    expect(JSON.parse(await readFile(join(dir, 'contract.json'), 'utf8'))).toMatchObject({ tokensPerFrame: 8 });
  });

  it('the block computes its closed form exactly, the same bits on the CPU and WebGPU execution providers', async () => {
    const dir = await writeTinyExport(options);
    const c = await readExportConfig(dir);
    const shape = { ...c.latent, layers: c.layers, slots: 3, textLength: 8, textDim: 4 };
    const T = tinyTokens(c.latent);
    const frames = 2;
    const latents = seededNoise(5, frames * 4 * c.latent.height * c.latent.width);
    const context = Float32Array.from(tinyTextTable(40, 4).subarray(8, 40));
    // Slot 0 holds frame 0 (clean pass, t = 0), slot 1 frame 4 written at t = 937.5, slot 2 is empty.
    const slotKv = (layer: number) => {
      const k = new Float32Array(3 * T * 2);
      const v = new Float32Array(3 * T * 2);
      for (let t = 0; t < T; t++) {
        k.set([0, 0], t * 2);
        k.set([4, 937.5 / 1024], (T + t) * 2);
        v.set([0.5 + layer, 1.25], t * 2);
        v.set([-0.375 + layer, -2], (T + t) * 2);
      }
      return { k, v };
    };
    const inputs: TinyBlockInputs = {
      latents,
      timesteps: [937.5, 937.5],
      context,
      positions: [5, 6],
      bias: [0, 0, MASKED],
      cacheK: [slotKv(0).k, slotKv(1).k],
      cacheV: [slotKv(0).v, slotKv(1).v],
    };
    const feeds: Record<string, ort.Tensor> = {
      latents: tensor(latents, [1, frames, 4, c.latent.height, c.latent.width]),
      timesteps: tensor(Float32Array.from(inputs.timesteps), [1, frames]),
      context: tensor(context, [1, 8, 4]),
      frame_positions: tensor(Float32Array.from(inputs.positions), [frames]),
      cache_bias: tensor(Float32Array.from(inputs.bias), [3]),
    };
    for (let l = 0; l < 2; l++) {
      feeds[`cache_k.${l}`] = tensor(inputs.cacheK[l]!, [1, 3, T, 1, 2]);
      feeds[`cache_v.${l}`] = tensor(inputs.cacheV[l]!, [1, 3, T, 1, 2]);
    }
    const cpu = await run(dir, 'block.onnx', 'cpu', feeds);
    const flow = tinyFlow(shape, inputs);
    expect(cpu.flow).toEqual(flow);
    // A = 0 + 4 + 5 + 6 over sink, cached and own frames; N = 2 visible slots + 2 own frames; Z = 1 clean slot.
    expect(flow[0]).toBe(15 / 64);
    for (let l = 0; l < 2; l++) {
      const kv = tinyNewKv(shape, inputs, l);
      expect(cpu[`new_k.${l}`]).toEqual(kv.k);
      expect(cpu[`new_v.${l}`]).toEqual(kv.v);
    }
    const gpu = await run(dir, 'block.onnx', 'webgpu', feeds);
    for (const name of Object.keys(cpu)) expect(gpu[name], name).toEqual(cpu[name]);
  });

  it('the streaming decoder interpolates from the previous latent frame, on both providers', async () => {
    const dir = await writeTinyExport(options);
    const s = { channels: 4, height: 4, width: 8 };
    const latent = seededNoise(9, 4 * 4 * 8);
    const previous = seededNoise(10, 4 * 4 * 8);
    const feeds = {
      latents: tensor(latent, [1, 1, 4, 4, 8]),
      'state_in.previous': tensor(previous, [1, 1, 4, 4, 8]),
    };
    for (const ep of ['cpu', 'webgpu'] as const) {
      const out = await run(dir, 'vae_decoder.onnx', ep, feeds);
      expect(out.frames).toEqual(tinyDecode(s, latent, previous));
      expect(out['state_out.previous']).toEqual(latent);
    }
  });
});
