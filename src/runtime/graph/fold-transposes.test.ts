import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { pattern, runOnCpu } from './cpu-run';
import { foldTransposes } from './fold-transposes';
import { decodeModel, encodeModel } from './onnx-model';

describe('foldTransposes', () => {
  it('removes a transpose pair that cancels, keeps one that does not, and keeps the numbers', async () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float', [1, 2, 3, 4]);
    const there = g.op('Transpose', [x], { perm: [0, 2, 3, 1] });
    const back = g.op('Transpose', [there], { perm: [0, 3, 1, 2] });
    const relu = g.op('Relu', [back]);
    const other = g.op('Transpose', [g.op('Transpose', [relu], { perm: [0, 2, 3, 1] })], { perm: [0, 2, 3, 1] });
    g.output(other, 'y', 'float', [1, 4, 2, 3]);
    const before = g.toBytes();
    const after = encodeModel(foldTransposes(decodeModel(before)));
    const transposes = decodeModel(after).graph!.node!.filter((n) => n.opType === 'Transpose');
    expect(transposes).toHaveLength(2); // the pair before Relu went; the two that compose to a rotation stay
    const feeds = { x: { dims: [1, 2, 3, 4], data: pattern(24, 1) } };
    expect([...(await runOnCpu(after, feeds))]).toEqual([...(await runOnCpu(before, feeds))]);
  });

  it('keeps a pair whose result is a graph output', () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', 'float', [1, 2, 3, 4]);
    const there = g.op('Transpose', [x], { perm: [0, 2, 3, 1] });
    g.output(g.op('Transpose', [there], { perm: [0, 3, 1, 2] }), 'y', 'float', [1, 2, 3, 4]);
    const model = decodeModel(g.toBytes());
    // Identity named y reads the second transpose; y itself is not a transpose output, so the pair folds into it.
    const folded = foldTransposes(model).graph!.node!;
    expect(folded.map((n) => n.opType)).toEqual(['Identity']);
    expect(folded[0]!.input).toEqual(['x']);
  });
});
