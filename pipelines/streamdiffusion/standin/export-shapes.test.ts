import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logPlacement } from '../../../src/runtime/log-placement';
import { OrtRuntime } from '../../../src/runtime/ort';
import { ortProviderName } from '../../../src/runtime/placement';
import { FP16_TOLERANCE, maxRelativeError, pattern } from '../../../src/runtime/graph/cpu-run';
import { prepareModel } from '../../../src/runtime/graph/lowered-cache';
import { checkModelFile } from '../../../src/runtime/graph/opset-check';
import type { OpsetReport } from '../../../src/runtime/graph/opset-check';
import { readSignature } from '../../../src/runtime/onnx-signature';
import { BLOCK, buildExportBlock } from './export-shapes';

let dir: string;
let olive: string;
let webgpuReady: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-shapes-'));
  olive = join(dir, 'olive-cuda.onnx');
  webgpuReady = join(dir, 'webgpu-ready.onnx');
  await writeFile(olive, buildExportBlock('olive-cuda'));
  await writeFile(webgpuReady, buildExportBlock('webgpu-ready'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const feeds = {
  sample: {
    type: 'float32',
    dims: [1, 4, BLOCK.height, BLOCK.width],
    data: pattern(4 * BLOCK.height * BLOCK.width, 1),
  },
  timestep: { type: 'int64', dims: [1], data: BigInt64Array.from([999n]) },
  encoder_hidden_states: {
    type: 'float32',
    dims: [1, BLOCK.context, BLOCK.channels],
    data: pattern(BLOCK.context * BLOCK.channels, 2),
  },
};

/** The output for `feeds`, the timestep given at the type the file declares (int64, or float once its Cast was folded). */
async function outSample(runtime: OrtRuntime, model: string): Promise<Float32Array> {
  const session = await runtime.createSession(model);
  const declared = (await readSignature(model)).inputs.find((i) => i.name === 'timestep')!.type;
  const timestep =
    declared === 'int64' ? feeds.timestep : { type: declared, dims: [1], data: Float32Array.from([999]) };
  try {
    return (await session.run({ ...feeds, timestep })).out_sample!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const fates = (r: OpsetReport) =>
  Object.fromEntries(r.ops.filter((o) => o.domain).map((o) => [o.form ? `${o.op} (${o.form})` : o.op, o.fate]));

describe('the Olive CUDA-shaped stand-in by the tables', () => {
  it('runs whole on CUDA (every operator has a CUDA kernel) and is refused nowhere once lowered', async () => {
    const cuda = await checkModelFile(olive, 'cuda');
    expect(new Set(cuda.ops.map((o) => o.fate))).toEqual(new Set(['runs']));
    for (const p of ['cpu', 'webgpu'] as const) expect((await checkModelFile(olive, p)).runs).toBe(true);
    // DirectML has GroupNorm and NhwcConv but no SkipGroupNorm: only that one is lowered.
    const dml = await checkModelFile(olive, 'dml');
    expect(dml.ops.filter((o) => o.fate !== 'runs').map((o) => [o.op, o.fate])).toEqual([['SkipGroupNorm', 'lowered']]);
  });
});

describe('the Olive CUDA-shaped stand-in on the CPU provider', () => {
  const cpu = new OrtRuntime({ device: 'cpu', intraOpThreads: 1, worker: false });
  afterAll(() => cpu.close());

  it('gets its contrib operators lowered where the CPU lacks them, and matches the WebGPU-shaped one', async () => {
    const report = await checkModelFile(olive, 'cpu');
    expect(fates(report)).toEqual({
      BiasAdd: 'lowered',
      BiasSplitGelu: 'lowered',
      GroupNorm: 'lowered',
      // The CPU kernel has MultiHeadAttention but refuses packed inputs at run time: they are unpacked.
      'MultiHeadAttention (packed KV)': 'lowered',
      'MultiHeadAttention (packed QKV)': 'lowered',
      NhwcConv: 'lowered',
      SkipGroupNorm: 'lowered',
    });
    const prepared = await prepareModel(olive, 'cpu');
    const got = await outSample(cpu, prepared.path);
    const want = await outSample(cpu, webgpuReady);
    expect(got.some((v) => v !== 0)).toBe(true);
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  });
});

// CI runs this on Mesa's lavapipe; without a WebGPU adapter the first test fails.
describe('the Olive CUDA-shaped stand-in on WebGPU', () => {
  const webgpu = new OrtRuntime({ device: 'webgpu' });
  afterAll(() => webgpu.close());

  it('gets a WebGPU adapter', async () => {
    const choice = await webgpu.provider();
    expect(choice.provider, choice.reason).toBe('webgpu');
  });

  it('runs 100 % on WebGPU once prepared, as the WebGPU-shaped one does, and its output matches the WebGPU-shaped stand-in', async () => {
    const report = await checkModelFile(olive, 'webgpu');
    expect(fates(report)).toMatchObject({ GroupNorm: 'lowered', SkipGroupNorm: 'lowered', NhwcConv: 'lowered' });
    expect(fates(report)).toMatchObject({ BiasAdd: 'runs', BiasSplitGelu: 'runs' });
    expect(fates(report)).toMatchObject({
      'MultiHeadAttention (packed KV)': 'lowered',
      'MultiHeadAttention (packed QKV)': 'lowered',
    });
    const prepared = await prepareModel(olive, 'webgpu');
    expect(prepared.lowered).toBe(true);
    // Placement from onnxruntime's log, with the CPU provider offered as the fallback it would take. The file as
    // exported keeps the Cast of its int64 timestep on the CPU (WebGPU has no Cast from int64); prepared, the
    // timestep is fed as float and every node runs on WebGPU, in both shapes.
    const offGpu = async (model: string) =>
      (await logPlacement(model, ['webgpu', 'cpu'])).filter((p) => p.provider !== ortProviderName.webgpu);
    expect(await offGpu(webgpuReady)).toEqual([{ node: 'cast_0', op: 'Cast', provider: ortProviderName.cpu }]);
    expect(await offGpu(prepared.path)).toEqual([]);
    const readyPrepared = await prepareModel(webgpuReady, 'webgpu');
    expect(await offGpu(readyPrepared.path)).toEqual([]);
    expect((await readSignature(prepared.path)).inputs.find((i) => i.name === 'timestep')?.type).toBe('float32');

    const got = await outSample(webgpu, prepared.path);
    const want = await outSample(webgpu, webgpuReady);
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
    // A cap, not a speed claim: lavapipe compiles each shader on the first run, on a loaded 2-core machine.
  }, 600_000);

  it('with lowering off, is refused with its sentence before any session is made', async () => {
    await expect(prepareModel(olive, 'webgpu', { lowering: false })).rejects.toThrow(
      /olive-cuda\.onnx cannot run on webgpu: com\.microsoft\.GroupNorm \(×2\), com\.microsoft\.MultiHeadAttention \(packed KV\) \(×1\), com\.microsoft\.MultiHeadAttention \(packed QKV\) \(×1\), com\.microsoft\.NhwcConv \(×3\), com\.microsoft\.SkipGroupNorm \(×1\) have no kernel there and no lowering here; turn lowering at load back on/,
    );
  });
});
