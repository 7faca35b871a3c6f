import { describe, expect, it } from 'vitest';
import { FP16_TOLERANCE, maxRelativeError, runOnCpu } from './cpu-run';
import { fuseSkipLayerNorm } from './fuse-skip-layer-norm';
import { decodeModel, encodeModel } from './onnx-model';
import { skipLayerNormGraph, tokenFeeds } from './test-fusion-graphs';

describe('residual add + LayerNorm fusion into SkipLayerNormalization', () => {
  it('fuses the add, the projection bias and the norm, keeps the sum for its other reader, and matches on the CPU provider', async () => {
    const bytes = skipLayerNormGraph();
    const fused = fuseSkipLayerNorm(decodeModel(bytes));
    const nodes = fused.graph!.node!;
    expect(nodes.map((n) => n.opType)).toEqual(['MatMul', 'SkipLayerNormalization', 'MatMul', 'Add', 'Identity']);
    const skipLn = nodes[1]!;
    expect(skipLn.input).toHaveLength(5); // x, skip, gamma, beta, bias
    expect(skipLn.output![3]).toBe(
      decodeModel(bytes).graph!.node!.find((n) => n.opType === 'LayerNormalization')!.input![0],
    );
    const got = await runOnCpu(encodeModel(fused), tokenFeeds);
    const want = await runOnCpu(bytes, tokenFeeds);
    expect(want.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  });
});
