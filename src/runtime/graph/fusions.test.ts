import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusionOptionsFromEnv, fusionsFor, fuseModel } from './fusions';
import { prepareModel } from './lowered-cache';
import { decodeModel } from './onnx-model';
import { readModelReferencingWeights } from './graph-skeleton';
import { attentionBlock } from './test-attention-block';
import { gegluGraph } from './test-fusion-graphs';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fusions-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('which fusions run where', () => {
  it('runs a fusion only for a provider whose table has its operator', () => {
    expect(fusionsFor('webgpu')).toEqual(['attention', 'skip-layer-norm', 'bias-add', 'bias-split-gelu', 'fused-conv']);
    expect(fusionsFor('cuda')).toEqual(['attention', 'skip-layer-norm', 'bias-add', 'bias-split-gelu', 'fused-conv']);
    // Off by default on the CPU; switched on, only those it has kernels for (no BiasAdd, no BiasSplitGelu).
    expect(fusionsFor('cpu')).toEqual([]);
    const all = {
      attention: true,
      'skip-layer-norm': true,
      'bias-add': true,
      'bias-split-gelu': true,
      'fused-conv': true,
    };
    expect(fusionsFor('cpu', all)).toEqual(['attention', 'skip-layer-norm', 'fused-conv']);
    expect(fusionsFor('dml')).toEqual([]);
    expect(fusionsFor('tensorrt')).toEqual([]);
  });

  it('switches each pass off on its own', () => {
    expect(fusionsFor('webgpu', { attention: false, 'fused-conv': false })).toEqual([
      'skip-layer-norm',
      'bias-add',
      'bias-split-gelu',
    ]);
    const model = decodeModel(gegluGraph('slices'));
    expect(fuseModel(model, 'webgpu', fusionsFor('webgpu', { 'bias-split-gelu': false })).applied).toEqual([]);
    expect(fuseModel(model, 'webgpu', fusionsFor('webgpu')).applied).toEqual(['bias-split-gelu']);
  });

  it('reads DAYDREAM_SCOPE_FUSIONS, and refuses a value it cannot read with a sentence', () => {
    expect(fusionOptionsFromEnv(undefined)).toEqual({});
    expect(fusionOptionsFromEnv('on')).toEqual({});
    expect(fusionsFor('webgpu', fusionOptionsFromEnv('off'))).toEqual([]);
    expect(fusionsFor('webgpu', fusionOptionsFromEnv('attention, fused-conv'))).toEqual(['attention', 'fused-conv']);
    expect(fusionsFor('cuda', fusionOptionsFromEnv('-attention'))).toEqual([
      'skip-layer-norm',
      'bias-add',
      'bias-split-gelu',
      'fused-conv',
    ]);
    expect(fusionsFor('cpu', fusionOptionsFromEnv('-attention'))).toEqual([]);
    expect(fusionsFor('cpu', fusionOptionsFromEnv('attention'))).toEqual(['attention']);
    expect(() => fusionOptionsFromEnv('attention,flash')).toThrow(
      /DAYDREAM_SCOPE_FUSIONS takes on, off, or a comma list of fusions .* among attention, skip-layer-norm/,
    );
  });
});

describe('fusions at load, in the lowered copy', () => {
  it('writes the fused copy once, keyed by the fusions switched on, and opens a graph nothing applies to as it is', async () => {
    const model = join(dir, 'attn.onnx');
    await writeFile(model, attentionBlock('key-0231-mul', true));
    const on = await prepareModel(model, 'webgpu', { projectVersion: '1.0.0' });
    expect(on).toMatchObject({ lowered: true, fromCache: false, fused: ['attention'] });
    const ops = (await readModelReferencingWeights(on.path)).graph!.node!.map((n) => n.opType);
    expect(ops).toContain('MultiHeadAttention');
    expect(await prepareModel(model, 'webgpu', { projectVersion: '1.0.0' })).toMatchObject({
      path: on.path,
      fromCache: true,
    });
    const off = await prepareModel(model, 'webgpu', { projectVersion: '1.0.0', fusions: { attention: false } });
    expect(off).toMatchObject({ path: model, lowered: false, fused: [] });
    const other = await prepareModel(model, 'webgpu', {
      projectVersion: '1.0.0',
      fusions: { 'fused-conv': false },
    });
    expect(other.path).not.toBe(on.path);
    expect((await readdir(dir)).filter((f) => f.includes('.lowered-'))).toHaveLength(2);
  });
});
