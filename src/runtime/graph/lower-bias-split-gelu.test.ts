import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { withContribOps } from './contrib-graph';
import { FP16_TOLERANCE, maxRelativeError, pattern, runOnCpu } from './cpu-run';
import { lowerBiasSplitGelu } from './lower-bias-split-gelu';
import { decodeModel, encodeModel } from './onnx-model';

const [N, S, D] = [2, 5, 16];
const bias = pattern(D, 3);

function contrib(opset: number) {
  const g = new GraphBuilder('bsg', opset);
  const x = g.input('x', 'float', [N, S, D]);
  g.output(g.op('BiasSplitGelu', [x, g.floats('bias', [D], bias)]), 'y', 'float', [N, S, D / 2]);
  return withContribOps(g.toBytes(), ['BiasSplitGelu']);
}

/** left × Gelu(right) with ONNX's own Gelu (opset 20, approximate "none" = the erf form). */
function reference() {
  const g = new GraphBuilder('ref', 20);
  const a = g.op('Add', [g.input('x', 'float', [N, S, D]), g.floats('bias', [D], bias)]);
  const left = g.op('Slice', [a, g.int64s('s0', [0]), g.int64s('e0', [D / 2]), g.int64s('ax0', [2])]);
  const right = g.op('Slice', [a, g.int64s('s1', [D / 2]), g.int64s('e1', [D]), g.int64s('ax1', [2])]);
  g.output(g.op('Mul', [left, g.op('Gelu', [right])]), 'y', 'float', [N, S, D / 2]);
  return g.toBytes();
}

describe('BiasSplitGelu lowering', () => {
  it.each([17, 18])('matches left × Gelu(right) on the CPU provider (opset %i)', async (opset) => {
    await expect(runOnCpu(contrib(opset), {})).rejects.toThrow(/BiasSplitGelu/);
    const feeds = { x: { dims: [N, S, D], data: pattern(N * S * D, 1) } };
    const got = await runOnCpu(encodeModel(lowerBiasSplitGelu(decodeModel(contrib(opset)))), feeds);
    expect(maxRelativeError(got, await runOnCpu(reference(), feeds))).toBeLessThan(FP16_TOLERANCE);
  });
});
