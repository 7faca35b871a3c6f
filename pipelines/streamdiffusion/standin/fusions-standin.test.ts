import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuseModel, fusionsFor } from '../../../src/runtime/graph/fusions';
import { decodeModel } from '../../../src/runtime/graph/onnx-model';
import type { Model } from '../../../src/runtime/graph/onnx-model';
import { WeightFile } from '../../../src/runtime/weight-file';
import { buildStandinUnet } from './unet';

let dir: string | undefined;
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

const count = (m: Model) => {
  const out: Record<string, number> = {};
  for (const n of m.graph!.node ?? []) out[n.opType ?? ''] = (out[n.opType ?? ''] ?? 0) + 1;
  return out;
};

describe('fusions on the SD-Turbo-shaped UNet stand-in (full structure, float16, zero weights)', () => {
  it('fuses all 32 attentions (16 self, 16 cross), 16 GEGLUs, 32 add + LayerNorms and 16 feed-forward residuals for WebGPU', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fusions-standin-'));
    // Zero weights are holes in the weight file: the structure costs a second and no disk.
    const file = new WeightFile(join(dir, 'unet.onnx.data'));
    const { model } = buildStandinUnet({ half: true, weights: 'zeros', seed: 1, file }, 8, 8);
    file.close();
    const before = count(decodeModel(model));
    expect(before.Softmax).toBe(32);
    const { model: fused, applied } = fuseModel(decodeModel(model), 'webgpu', fusionsFor('webgpu'));
    expect(applied).toEqual(['attention', 'skip-layer-norm', 'bias-add', 'bias-split-gelu']);
    const after = count(fused);
    expect(after).toMatchObject({
      MultiHeadAttention: 32,
      SkipLayerNormalization: 32,
      BiasAdd: 16,
      BiasSplitGelu: 16,
    });
    // No attention matrix is left, and norm1 of each block (after proj_in, no residual) stays a LayerNorm.
    expect(after.Softmax).toBeUndefined();
    expect(after.LayerNormalization).toBe(16);
    expect(after.Erf).toBeUndefined();
  });
});
