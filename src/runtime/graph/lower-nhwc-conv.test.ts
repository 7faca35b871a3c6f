import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { withContribOps } from './contrib-graph';
import { FP16_TOLERANCE, maxRelativeError, pattern, runOnCpu } from './cpu-run';
import { foldTransposes } from './fold-transposes';
import { lowerNhwcConv } from './lower-nhwc-conv';
import { decodeModel, encodeModel } from './onnx-model';

const [N, C, H, W, M] = [1, 4, 6, 6, 8];
const weight = pattern(M * C * 3 * 3, 5); // [M, C, 3, 3], as the NCHW model had it
const bias = pattern(M, 6);

/** Two convolutions the way the transformer optimizer leaves them: NCHW graph, each NhwcConv between transposes. */
function olive(): Uint8Array {
  const g = new GraphBuilder('nhwc');
  let x = g.input('x', 'float', [N, C, H, W]);
  const w1 = g.op('Transpose', [g.floats('w1', [M, C, 3, 3], weight)], { perm: [0, 2, 3, 1] });
  const w2 = g.op('Transpose', [g.floats('w2', [C, M, 1, 1], pattern(C * M, 4))], { perm: [0, 2, 3, 1] });
  x = g.op('Transpose', [x], { perm: [0, 2, 3, 1] });
  x = g.op('NhwcConv', [x, w1, g.floats('b1', [M], bias)], {
    pads: [1, 1, 1, 1],
    strides: [1, 1],
    kernel_shape: [3, 3],
  });
  x = g.op('Transpose', [x], { perm: [0, 3, 1, 2] });
  x = g.op('Transpose', [x], { perm: [0, 2, 3, 1] });
  x = g.op('NhwcConv', [x, w2], { strides: [2, 2] });
  g.output(g.op('Transpose', [x], { perm: [0, 3, 1, 2] }), 'y', 'float', [N, C, H / 2, W / 2]);
  return withContribOps(g.toBytes(), ['NhwcConv']);
}

function reference(): Uint8Array {
  const g = new GraphBuilder('nchw');
  let x = g.input('x', 'float', [N, C, H, W]);
  x = g.op('Conv', [x, g.floats('w1', [M, C, 3, 3], weight), g.floats('b1', [M], bias)], { pads: [1, 1, 1, 1] });
  x = g.op('Conv', [x, g.floats('w2', [C, M, 1, 1], pattern(C * M, 4))], { strides: [2, 2] });
  g.output(x, 'y', 'float', [N, C, H / 2, W / 2]);
  return g.toBytes();
}

describe('NhwcConv lowering', () => {
  it('gives what Conv gives, on the CPU provider, where NhwcConv has no kernel', async () => {
    await expect(runOnCpu(olive(), {})).rejects.toThrow(/NhwcConv/);
    const feeds = { x: { dims: [N, C, H, W], data: pattern(N * C * H * W, 1) } };
    const lowered = encodeModel(foldTransposes(lowerNhwcConv(decodeModel(olive()))));
    const got = await runOnCpu(lowered, feeds);
    expect(maxRelativeError(got, await runOnCpu(reference(), feeds))).toBeLessThan(FP16_TOLERANCE);
  });

  it('leaves no transpose at all once folded: layout and weight transposes cancel in pairs', () => {
    const nodes = foldTransposes(lowerNhwcConv(decodeModel(olive()))).graph!.node!;
    // Before folding: 6 exporter transposes (4 on activations, 2 on weights) and 6 of the lowering.
    expect(nodes.filter((n) => n.opType === 'Transpose')).toHaveLength(0);
    expect(nodes.filter((n) => n.opType === 'Conv').map((n) => n.input![1])).toEqual(['w1', 'w2']);
  });
});
