import { describe, expect, it } from 'vitest';
import { OrtRuntime } from './ort';
import { GraphBuilder } from './graph-builder';

describe('GraphBuilder', () => {
  it('builds a model onnxruntime runs, with initializers, shared constants, Split and a uint8 Cast', async () => {
    const g = new GraphBuilder('test');
    const x = g.input('x', 'float', [2, 3]);
    const w = g.floats('w', [3, 1], [1, 10, 100]);
    const firstRow = g.op('Split', [x, g.int64s('parts', [1, 1])], { axis: { int: 0 } }, 2);
    const y = g.op('Add', [g.op('MatMul', [x, w]), g.scalar(0.5)]);
    const clipped = g.op('Clip', [y, g.scalar(0), g.scalar(255)]);
    g.output(g.op('Cast', [clipped], { to: { int: 2 } }), 'bytes', 'uint8', [2, 1]);
    g.output(firstRow, 'first_row', 'float', [1, 3]);

    const runtime = new OrtRuntime({ intraOpThreads: 1 });
    const ort = await runtime.module();
    const session = await runtime.createSession(g.toBytes());
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 0, 3, 4, 5]), [2, 3]) });
    // 1 + 20 + 0 + 0.5 = 21.5 -> 21; 3 + 40 + 500 + 0.5 clipped to 255.
    expect([...(out.bytes!.data as Uint8Array)]).toEqual([21, 255]);
    expect([...(out.first_row!.data as Float32Array)]).toEqual([1, 2, 0]);
    await session.release();
  });
});
