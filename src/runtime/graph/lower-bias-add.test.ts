import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { withContribOps } from './contrib-graph';
import { maxRelativeError, pattern, runOnCpu } from './cpu-run';
import { lowerBiasAdd } from './lower-bias-add';
import { decodeModel, encodeModel } from './onnx-model';

const [N, S, C] = [2, 6, 8];

describe('BiasAdd lowering', () => {
  it('gives X + bias + skip on the CPU provider, where BiasAdd has no kernel', async () => {
    const g = new GraphBuilder('biasadd');
    const x = g.input('x', 'float', [N, S, C]);
    const skip = g.input('skip', 'float', [N, S, C]);
    g.output(g.op('BiasAdd', [x, g.floats('bias', [C], pattern(C, 9)), skip]), 'y', 'float', [N, S, C]);
    const contrib = withContribOps(g.toBytes(), ['BiasAdd']);
    await expect(runOnCpu(contrib, {})).rejects.toThrow(/BiasAdd/);

    const xs = pattern(N * S * C, 1);
    const skips = pattern(N * S * C, 2);
    const bias = pattern(C, 9);
    const got = await runOnCpu(encodeModel(lowerBiasAdd(decodeModel(contrib))), {
      x: { dims: [N, S, C], data: xs },
      skip: { dims: [N, S, C], data: skips },
    });
    const want = xs.map((v, i) => v + bias[i % C]! + skips[i]!);
    expect(maxRelativeError(got, want)).toBeLessThan(1e-6);
  });
});
