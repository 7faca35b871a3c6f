import { describe, expect, it } from 'vitest';
import { FP16_TOLERANCE, maxRelativeError, runOnCpu } from './cpu-run';
import { fuseConvActivation } from './fuse-conv-activation';
import { attr, decodeModel, encodeModel } from './onnx-model';
import { convActivationGraph, imageFeeds } from './test-fusion-graphs';

describe('Conv + activation fusion into FusedConv', () => {
  it('fuses Relu, LeakyRelu (with its alpha) and Sigmoid into the convolutions, matching on the CPU provider', async () => {
    const bytes = convActivationGraph();
    const fused = fuseConvActivation(decodeModel(bytes));
    const nodes = fused.graph!.node!.filter((n) => n.opType !== 'Identity');
    expect(nodes.map((n) => [n.opType, attr(n, 'activation')])).toEqual([
      ['FusedConv', 'Relu'],
      ['FusedConv', 'LeakyRelu'],
      ['FusedConv', 'Sigmoid'],
    ]);
    expect(attr(nodes[1]!, 'activation_params')).toEqual([expect.closeTo(0.2, 6)]);
    const got = await runOnCpu(encodeModel(fused), imageFeeds);
    const want = await runOnCpu(bytes, imageFeeds);
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  });
});
