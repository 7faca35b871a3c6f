import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../src/runtime/graph-builder';
import { WeightFile } from '../../../src/runtime/weight-file';
import { readSignature } from '../../../src/runtime/onnx-signature';
import { OrtRuntime } from '../../../src/runtime/ort';
import { ArModel } from '../ar-model';
import { ArStream } from '../ar-stream';
import { floatTensor, floatValues } from '../device';
import { seededNoise } from '../../shared/noise';
import { MASKED } from '../cache-policy';
import { contractProblems, blockSpec } from '../contract';
import { CONTRACT_FORMAT, readExportConfig } from '../export-config';
import type { ExportConfig } from '../export-config';
import { buildWanBlock, ropeSplit, wan13b, wanParameters } from './wan-block';
import type { WanShape } from './wan-block';
import { StandinWeights } from './weights';
import { writeStandinExport } from './write';
import { smallWan as small } from './test-small-wan';

function configOf(s: WanShape): ExportConfig {
  return {
    format: CONTRACT_FORMAT,
    model: 'standin-test',
    width: s.width * 8,
    height: s.height * 8,
    latent: { channels: s.channels, height: s.height, width: s.width },
    tokensPerFrame: (s.height / 2) * (s.width / 2),
    layers: s.layers,
    heads: s.heads,
    headDim: s.dim / s.heads,
    text: { length: s.textLength, dim: s.textDim },
    dtype: 'float32',
    cache: { sinkFrames: 1, windowFrames: s.slots + 1, blockFrames: 1 },
    schedule: { shift: 5, warp: true, steps: [1000] },
    framesPerLatent: 4,
    vae: { decoders: {} },
  };
}

describe('Wan-shaped stand-in block', () => {
  it('has the parameter count of Wan2.1-T2V-1.3B, and the builder makes exactly the formula’s parameters', async () => {
    expect(wanParameters(wan13b)).toBe(1_418_996_800);
    expect(ropeSplit(128)).toEqual([22, 21, 21]);
    const dir = await mkdtemp(join(tmpdir(), 'wan-count-'));
    const file = new WeightFile(join(dir, 'w.data'));
    const w = new StandinWeights(new GraphBuilder('count'), { type: 'float32', weights: 'zeros', seed: 1, file });
    buildWanBlock(small, w);
    file.close();
    await rm(dir, { recursive: true, force: true });
    expect(w.count).toBe(wanParameters(small));
  });

  it('follows the block contract and runs: flow of the latents’ shape, post-RoPE K and V for 1 and 2 frames', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wan-small-'));
    const dir = await writeStandinExport(
      { shape: small, cache: { sinkFrames: 1, windowFrames: 4, blockFrames: 1 }, dtype: 'float32', seed: 7 },
      root,
    );
    const bytes = join(dir, 'block.onnx');
    const c = configOf(small);
    expect(contractProblems(await readSignature(bytes), blockSpec(c), 'float32')).toEqual([]);
    const cpu = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
    const webgpu = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
    const T = c.tokensPerFrame;
    const dh = c.headDim;
    const run = async (frames: number, positions: number[], masked = 0, session = cpu) => {
      const tensor = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
      const feeds: Record<string, ort.Tensor> = {
        latents: tensor(seededNoise(1, frames * 16 * 32), [1, frames, 16, 4, 8]),
        timesteps: tensor(new Float32Array(frames).fill(937.5), [1, frames]),
        context: tensor(seededNoise(2, 8 * 32), [1, 8, 32]),
        frame_positions: tensor(Float32Array.from(positions), [frames]),
        cache_bias: tensor(Float32Array.from([0, 0, MASKED]), [3]),
      };
      for (let l = 0; l < 2; l++) {
        const slots = (seed: number) => {
          const v = seededNoise(seed, 3 * T * 4 * dh);
          v.fill(masked, 2 * T * 4 * dh);
          return tensor(v, [1, 3, T, 4, dh]);
        };
        feeds[`cache_k.${l}`] = slots(10 + l);
        feeds[`cache_v.${l}`] = slots(20 + l);
      }
      const out = await session.run(feeds);
      return Object.fromEntries(
        Object.entries(out).map(([k, t]) => [k, { dims: t.dims, data: t.data as Float32Array }]),
      );
    };
    const one = await run(1, [4]);
    expect(one.flow!.dims).toEqual([1, 1, 16, 4, 8]);
    expect(one['new_k.1']!.dims).toEqual([1, 1, T, 4, dh]);
    expect(one.flow!.data.every(Number.isFinite)).toBe(true);
    const two = await run(2, [4, 5]);
    expect(two.flow!.dims).toEqual([1, 2, 16, 4, 8]);
    // RoPE rotates keys by position: the same frame at another position has other keys, the same values.
    const moved = await run(1, [9]);
    expect(moved['new_v.0']!.data).toEqual(one['new_v.0']!.data);
    expect(moved['new_k.0']!.data).not.toEqual(one['new_k.0']!.data);
    // A masked slot is not attended: changing what it holds changes nothing.
    expect((await run(1, [4], 3)).flow!.data).toEqual(one.flow!.data);
    // WebGPU runs every operator of it, to float rounding of the CPU's result.
    const gpu = await run(2, [4, 5], 0, webgpu);
    const worst = gpu.flow!.data.reduce((m, v, i) => Math.max(m, Math.abs(v - two.flow!.data[i]!)), 0);
    expect(worst).toBeLessThan(1e-3);
    await cpu.release();
    await webgpu.release();
    await rm(root, { recursive: true, force: true });
  });
});

describe('the stand-in export', () => {
  it('at full size (30 layers, width 1536, 480x832, float16), follows the contract with the real cache shapes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'standin-'));
    try {
      // Zero weights are holes in the weight file: the whole structure, written in seconds, without 2.8 GB.
      const dir = await writeStandinExport({ weights: 'zeros' }, root);
      const c = await readExportConfig(dir);
      expect(c).toMatchObject({ width: 832, height: 480, tokensPerFrame: 1560, layers: 30, heads: 12, headDim: 128 });
      const sig = await readSignature(join(dir, 'block.onnx'));
      expect(contractProblems(sig, blockSpec(c), 'float16')).toEqual([]);
      expect(sig.inputs.find((i) => i.name === 'cache_k.29')!.dims).toEqual([1, 9, 1560, 12, 128]);
      // The weight file's length: every parameter at 2 bytes (plus 4 KiB alignment per tensor).
      const bytes = (await stat(join(dir, 'block.onnx.data'))).size;
      expect(bytes).toBeGreaterThanOrEqual(wanParameters(wan13b) * 2);
      expect(bytes).toBeLessThan(wanParameters(wan13b) * 2 + 2e6);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('runs LongLive’s block loop (steps, clean pass, cache writes) at a small size on the CPU provider', async () => {
    const root = await mkdtemp(join(tmpdir(), 'standin-'));
    const runtime = new OrtRuntime({ device: 'cpu', intraOpThreads: 1 });
    try {
      const cache = { sinkFrames: 1, windowFrames: 4, blockFrames: 1 };
      const dir = await writeStandinExport({ shape: small, cache, dtype: 'float32' }, root);
      const model = await ArModel.open(runtime, dir, { decoder: 'none', encoder: false });
      const stream = new ArStream(model, { positionLimit: 1024, onLimit: 'reset', rewindTo: 0 });
      await stream.init();
      await stream.setConditioning({ hidden: seededNoise(3, 8 * 32) });
      const c = model.config;
      for (let b = 0; b < 4; b++) {
        const placed = stream.cache.policy.place(1);
        const start = await model.device.upload(
          floatTensor(stream.noise(1, b, 0, 1), stream.runner.latentDims(1), c.dtype),
        );
        const x0 = await stream.runner.generate({
          positions: placed.positions,
          steps: stream.steps([1000, 750]),
          context: await model.device.upload(floatTensor(seededNoise(3, 8 * 32), [1, 8, 32], c.dtype)),
          start,
          noise: (i) => stream.noise(1, b, i, 1),
          commit: 'clean',
        });
        const values = floatValues(await model.device.read(x0));
        expect(values.every(Number.isFinite)).toBe(true);
        await model.device.release([x0]);
      }
      expect(stream.cache.policy.entries().map((e) => e?.position)).toEqual([0, 3, 2]);
      expect(stream.runner.forwards).toBe(12);
      await stream.close();
      await model.close();
    } finally {
      await runtime.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
