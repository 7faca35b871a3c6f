import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { floatsToHalf, halfToFloats } from '../half';
import { FP16_TOLERANCE, maxRelativeError, pattern } from './cpu-run';
import { AttributeType, DataType, decodeModel, encodeModel } from './onnx-model';
import type { Model } from './onnx-model';
import { widenFloat16, widenable } from './widen-float16';

/**
 * y = Sigmoid(x · w + c) where c is a float16 Constant node, and z = Cast(int64 tensor of 3s → float16) + y; both y
 * and z are outputs (y also read by z's Add): every place a float16 type hides in a graph.
 */
function graph(): Model {
  const g = new GraphBuilder('widen');
  const x = g.input('x', 'float16', [2, 3]);
  const w = g.halfs('w', [3, 3], floatsToHalf(pattern(9, 2)));
  const mm = g.op('MatMul', [x, w]);
  const model = decodeModel(g.toBytes());
  const half = floatsToHalf([0.5, -0.25, 1]);
  const nodes: Model['graph'] = model.graph!;
  nodes.node!.push(
    {
      opType: 'Constant',
      output: ['c'],
      attribute: [
        {
          name: 'value',
          type: AttributeType.TENSOR,
          t: { dims: [3], dataType: DataType.FLOAT16, int32Data: [...half] },
        },
      ],
    },
    { opType: 'Add', input: [mm, 'c'], output: ['a'] },
    { opType: 'Sigmoid', input: ['a'], output: ['y'] },
    { opType: 'Shape', input: ['y'], output: ['s'] },
    {
      opType: 'ConstantOfShape',
      input: ['s'],
      output: ['threes'],
      attribute: [
        { name: 'value', type: AttributeType.TENSOR, t: { dims: [1], dataType: DataType.INT64, int64Data: [3] } },
      ],
    },
    {
      opType: 'Cast',
      input: ['threes'],
      output: ['t'],
      attribute: [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT16 }],
    },
    { opType: 'Add', input: ['t', 'y'], output: ['z'] },
  );
  const out = (name: string) => ({
    name,
    type: { tensorType: { elemType: DataType.FLOAT16, shape: { dim: [{ dimValue: 2 }, { dimValue: 3 }] } } },
  });
  nodes.output = [out('y'), out('z')];
  return decodeModel(encodeModel(model));
}

async function run(model: Model, x: Uint16Array): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(encodeModel(model), { executionProviders: ['cpu'] });
  try {
    const out = await session.run({ x: new ort.Tensor('float16', x, [2, 3]) });
    return session.outputNames.map((n) => {
      expect(out[n]!.type).toBe('float16');
      return halfToFloats(out[n]!.data as Uint16Array);
    });
  } finally {
    await session.release();
  }
}

describe('widenFloat16 (float16 graphs computed in float32 on the CPU provider)', () => {
  it('keeps float16 at the edges, float32 inside, and computes the same within float16 rounding', async () => {
    const model = graph();
    const wide = widenFloat16(model);
    const types = new Map(
      wide.graph!.node!.filter((n) => n.opType === 'Cast').map((n) => [n.output![0], n.attribute![0]!.i]),
    );
    // One Cast in for x, one per float16 initializer, the int64 → float16 Cast now to float32, two out.
    expect(types).toEqual(
      new Map([
        ['x__float32', DataType.FLOAT],
        ['w', DataType.FLOAT],
        ['t', DataType.FLOAT],
        ['y', DataType.FLOAT16],
        ['z', DataType.FLOAT16],
      ]),
    );
    const constant = wide.graph!.node!.find((n) => n.opType === 'Constant')!.attribute![0]!.t!;
    expect(constant.dataType).toBe(DataType.FLOAT);
    expect([...new Float32Array(Uint8Array.from(constant.rawData!).buffer)]).toEqual([0.5, -0.25, 1]);

    const x = floatsToHalf(pattern(6, 3));
    const [y0, z0] = await run(model, x);
    const [y1, z1] = await run(wide, x);
    expect(maxRelativeError(y0!, y1!)).toBeLessThan(FP16_TOLERANCE);
    expect(maxRelativeError(z0!, z1!)).toBeLessThan(FP16_TOLERANCE);
  });

  it('leaves float32 graphs and graphs with subgraphs or other domains as they are', () => {
    const g = new GraphBuilder('f32');
    g.output(g.op('Relu', [g.input('x', 'float', [2])]), 'y', 'float', [2]);
    const f32 = decodeModel(g.toBytes());
    expect(widenable(f32.graph!)).toBe(false);
    expect(widenFloat16(f32)).toBe(f32);

    const withIf = graph();
    withIf.graph!.node!.push({
      opType: 'If',
      input: ['x'],
      output: ['q'],
      attribute: [{ name: 'then_branch', type: AttributeType.GRAPH, g: {} }],
    });
    expect(widenFloat16(withIf)).toBe(withIf);
    const custom = graph();
    custom.graph!.node![0]!.domain = 'com.example';
    expect(widenable(custom.graph!)).toBe(false);
  });
});
