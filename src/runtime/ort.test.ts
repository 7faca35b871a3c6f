import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from './ort';
import { GraphBuilder } from './graph-builder';

const runtimes: OrtRuntime[] = [];
afterAll(async () => Promise.all(runtimes.map((r) => r.close())));

/** y = x * 2 + 1 over a float vector. */
function affineModel(): Uint8Array {
  const g = new GraphBuilder('affine');
  const x = g.input('x', 'float', [4]);
  const y = g.op('Add', [g.op('Mul', [x, g.scalar(2)]), g.scalar(1)]);
  g.output(y, 'y', 'float', [4]);
  return g.toBytes();
}

describe.each([
  ['worker thread', true],
  ['main thread', false],
])('OrtRuntime sessions (%s)', (_name, worker) => {
  const runtime = new OrtRuntime({ worker });
  runtimes.push(runtime);

  it('runs a real graph and returns its outputs', async () => {
    const session = await runtime.createSession(affineModel());
    expect(session.inputNames).toEqual(['x']);
    const out = await session.run({ x: { type: 'float32', data: Float32Array.of(0, 1, 2, -3), dims: [4] } });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([1, 3, 5, -5]);
    await session.release();
  });

  it("rejects a bad feed with onnxruntime's reason and keeps working", async () => {
    const session = await runtime.createSession(affineModel());
    await expect(session.run({ x: { type: 'float32', data: Float32Array.of(1, 2), dims: [2] } })).rejects.toThrow();
    const out = await session.run({ x: { type: 'float32', data: Float32Array.of(1, 1, 1, 1), dims: [4] } });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([3, 3, 3, 3]);
    await session.release();
  });

  it('refuses to run a released session', async () => {
    const session = await runtime.createSession(affineModel());
    await session.release();
    await expect(session.run({ x: { type: 'float32', data: new Float32Array(4), dims: [4] } })).rejects.toThrow(
      /released/,
    );
  });

  it('rejects a model that is not ONNX', async () => {
    await expect(runtime.createSession(Uint8Array.of(1, 2, 3, 4))).rejects.toThrow();
  });
});
