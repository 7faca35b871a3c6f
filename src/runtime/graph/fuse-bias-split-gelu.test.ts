import { describe, expect, it } from 'vitest';
import { FP16_TOLERANCE, maxRelativeError, runOnCpu } from './cpu-run';
import { fuseBiasSplitGelu } from './fuse-bias-split-gelu';
import { lowerBiasSplitGelu } from './lower-bias-split-gelu';
import { decodeModel, encodeModel } from './onnx-model';
import { gegluGraph, tokenFeeds } from './test-fusion-graphs';

const feeds = { x: tokenFeeds.x };

describe('GEGLU fusion into BiasSplitGelu', () => {
  it.each(['slices', 'torch'] as const)(
    'fuses the %s form into one node that computes the same (CPU, through the lowering)',
    async (form) => {
      const bytes = gegluGraph(form);
      const fused = fuseBiasSplitGelu(decodeModel(bytes));
      expect(fused.graph!.node!.map((n) => n.opType)).toEqual(['MatMul', 'BiasSplitGelu', 'Identity']);
      // The CPU provider has no BiasSplitGelu: it runs the fused graph lowered back into plain operators (that
      // lowering is itself checked against plain operators); the WebGPU test runs the fused node itself.
      const got = await runOnCpu(encodeModel(lowerBiasSplitGelu(fused)), feeds);
      const want = await runOnCpu(bytes, feeds);
      expect(want.some((v) => Math.abs(v) > 1e-3)).toBe(true);
      expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
    },
  );

  it('keeps to the hidden sizes a provider kernel takes (CUDA: 2560, 5120, 10240)', () => {
    const model = decodeModel(gegluGraph('slices'));
    expect(fuseBiasSplitGelu(model, { hiddenSizes: [2560, 5120, 10240] })).toBe(model);
  });
});
