import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK, buildExportBlock } from '../../../pipelines/streamdiffusion/standin/export-shapes';
import { logPlacement } from '../log-placement';
import { OrtRuntime } from '../ort';
import { ortProviderName } from '../placement';
import { FP16_TOLERANCE, maxRelativeError, pattern } from './cpu-run';
import { fuseModel, fusionsFor } from './fusions';
import type { FusionName } from './fusions';
import { decodeModel, encodeModel } from './onnx-model';
import { attentionBlock, attentionFeeds } from './test-attention-block';
import {
  biasAddGraph,
  convActivationGraph,
  gegluGraph,
  imageFeeds,
  skipLayerNormGraph,
  tokenFeeds,
} from './test-fusion-graphs';

type Feeds = Record<string, { type?: string; dims: number[]; data: Float32Array | BigInt64Array }>;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fusions-webgpu-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const cpu = new OrtRuntime({ device: 'cpu', intraOpThreads: 1, worker: false });
const webgpu = new OrtRuntime({ device: 'webgpu' });
afterAll(async () => {
  await cpu.close();
  await webgpu.close();
});

async function run(runtime: OrtRuntime, model: string, feeds: Feeds, output: string): Promise<Float32Array> {
  const session = await runtime.createSession(model);
  try {
    const typed = Object.fromEntries(
      Object.entries(feeds).map(([k, f]) => [k, { type: f.type ?? 'float32', dims: f.dims, data: f.data }]),
    );
    return (await session.run(typed as never))[output]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Fuses `bytes` for WebGPU and checks the fused operators are placed there and the output matches the CPU's. */
async function check(name: string, bytes: Uint8Array, feeds: Feeds, output: string, expected: FusionName[]) {
  const { model, applied } = fuseModel(decodeModel(bytes), 'webgpu', fusionsFor('webgpu'));
  expect(applied).toEqual(expected);
  const plain = join(dir, `${name}.onnx`);
  const fused = join(dir, `${name}.fused.onnx`);
  await writeFile(plain, bytes);
  await writeFile(fused, encodeModel(model));
  const contrib = new Set((model.graph!.node ?? []).filter((n) => n.domain === 'com.microsoft').map((n) => n.name));
  expect(contrib.size).toBeGreaterThan(0);
  const placement = await logPlacement(fused, ['webgpu', 'cpu']);
  const allOnGpu = placement.length === 1 && placement[0]!.op === '*';
  const offGpu = placement.filter((p) => p.provider !== ortProviderName.webgpu);
  if (allOnGpu) expect(placement[0]!.provider).toBe(ortProviderName.webgpu);
  // Every fused node is on WebGPU (100 %); what else is off it is the graph's own (the int64 timestep's Cast).
  else expect(offGpu.filter((p) => contrib.has(p.node))).toEqual([]);
  const got = await run(webgpu, fused, feeds, output);
  const want = await run(cpu, plain, feeds, output);
  expect(want.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  return offGpu;
}

// CI runs this on Mesa's lavapipe; without a WebGPU adapter the first test fails.
describe('fused graphs on WebGPU: placed there, computing what the unfused graph computes on the CPU', () => {
  it('gets a WebGPU adapter', async () => {
    const choice = await webgpu.provider();
    expect(choice.provider, choice.reason).toBe('webgpu');
  });

  it('self- and cross-attention as MultiHeadAttention', async () => {
    await check('self', attentionBlock('key-0231-mul', false), attentionFeeds(false), 'y', ['attention']);
    await check('cross', attentionBlock('key-two-transposes-div', true), attentionFeeds(true), 'y', ['attention']);
  }, 600_000);

  it('GEGLU as BiasSplitGelu, bias + residual as BiasAdd, add + LayerNorm as SkipLayerNormalization', async () => {
    await check('geglu', gegluGraph('torch'), { x: tokenFeeds.x }, 'y', ['bias-split-gelu']);
    await check('bias-add', biasAddGraph(), tokenFeeds, 'out', ['bias-add']);
    await check('skip-ln', skipLayerNormGraph(), tokenFeeds, 'out', ['skip-layer-norm']);
  }, 600_000);

  it('Conv + Relu/LeakyRelu/Sigmoid as FusedConv', async () => {
    await check('conv', convActivationGraph(), imageFeeds, 'out', ['fused-conv']);
  }, 600_000);

  it('the tiny UNet block with every fusion that applies: only the int64 timestep Cast stays off WebGPU', async () => {
    const feeds: Feeds = {
      sample: { dims: [1, 4, BLOCK.height, BLOCK.width], data: pattern(4 * BLOCK.height * BLOCK.width, 1) },
      timestep: { type: 'int64', dims: [1], data: BigInt64Array.from([999n]) },
      encoder_hidden_states: { dims: [1, BLOCK.context, BLOCK.channels], data: pattern(BLOCK.context * 8, 2) },
    };
    const off = await check('block', buildExportBlock('webgpu-ready'), feeds, 'out_sample', [
      'attention',
      'bias-add',
      'bias-split-gelu',
    ]);
    expect(off.map((p) => p.op)).toEqual(['Cast']);
  }, 600_000);
});
