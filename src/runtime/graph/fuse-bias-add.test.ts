import { describe, expect, it } from 'vitest';
import { FP16_TOLERANCE, maxRelativeError, runOnCpu } from './cpu-run';
import { fuseBiasAdd } from './fuse-bias-add';
import { lowerBiasAdd } from './lower-bias-add';
import { decodeModel, encodeModel } from './onnx-model';
import { biasAddGraph, tokenFeeds } from './test-fusion-graphs';

describe('bias and residual fusion into BiasAdd', () => {
  it('fuses (h·W + bias) + x into BiasAdd(h·W, bias, x), which computes the same (CPU, through the lowering)', async () => {
    const bytes = biasAddGraph();
    const fused = fuseBiasAdd(decodeModel(bytes));
    const ops = fused.graph!.node!.map((n) => n.opType);
    expect(ops).toEqual(['MatMul', 'BiasAdd', 'MatMul', 'Identity']);
    const got = await runOnCpu(encodeModel(lowerBiasAdd(fused)), tokenFeeds);
    const want = await runOnCpu(bytes, tokenFeeds);
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  });

  it('keeps to the channel counts a provider kernel takes (CUDA: 320, 640, 1280)', () => {
    const model = decodeModel(biasAddGraph());
    expect(fuseBiasAdd(model, { channels: [320, 640, 1280] })).toBe(model);
  });
});
