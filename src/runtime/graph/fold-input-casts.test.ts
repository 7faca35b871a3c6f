import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../graph-builder';
import { DataType, decodeModel, encodeModel } from './onnx-model';
import { foldInputCasts, foldableInputCasts } from './fold-input-casts';

/** y = Cast(timestep → float) * 0.001 + x, as the UNet exports scale their int64 timestep. */
function timestepGraph(o: { otherReader?: boolean; castOut?: boolean; twoTypes?: boolean } = {}) {
  const g = new GraphBuilder('timestep');
  const t = g.input('timestep', 'int64', [2]);
  const x = g.input('x', 'float', [2]);
  const cast = g.op('Cast', [t], { to: { int: DataType.FLOAT } });
  g.output(g.op('Add', [g.op('Mul', [cast, g.scalar(0.001)]), x]), 'y', 'float', [2]);
  if (o.otherReader) g.output(g.op('Shape', [t]), 'n', 'int64', [1]);
  if (o.twoTypes) g.output(g.op('Cast', [t], { to: { int: DataType.FLOAT16 } }), 'half', 'float16', [2]);
  const model = decodeModel(g.toBytes());
  // The Cast's own output a graph output (the builder would put an Identity between).
  if (o.castOut) model.graph!.output!.push({ name: cast, type: { tensorType: { elemType: DataType.FLOAT } } });
  return model;
}

async function run(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  try {
    return (await session.run(feeds)).y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('folding the Cast of an integer input', () => {
  it('declares the timestep at the type its Cast made, removes the Cast and computes the same', async () => {
    const model = timestepGraph();
    const folded = foldInputCasts(model);
    const input = folded.graph!.input!.find((i) => i.name === 'timestep')!;
    expect(input.type!.tensorType!.elemType).toBe(DataType.FLOAT);
    expect(folded.graph!.node!.map((n) => n.opType)).not.toContain('Cast');
    const x = new ort.Tensor('float32', Float32Array.from([0.5, -1]), [2]);
    const want = await run(encodeModel(model), {
      timestep: new ort.Tensor('int64', BigInt64Array.from([999n, 1n]), [2]),
      x,
    });
    const got = await run(encodeModel(folded), {
      timestep: new ort.Tensor('float32', Float32Array.from([999, 1]), [2]),
      x,
    });
    expect([...got]).toEqual([...want]);
  });

  it('leaves an input alone when something else reads it, a Cast output leaves the graph, or its Casts differ', () => {
    for (const o of [{ otherReader: true }, { castOut: true }, { twoTypes: true }]) {
      const model = timestepGraph(o);
      expect(foldableInputCasts(model.graph!), JSON.stringify(o)).toEqual([]);
      expect(foldInputCasts(model)).toBe(model);
    }
  });
});
