import ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './graph-builder';
import { preallocatesOutputs } from './output-slots';

const n = 1 << 16;
/** y = x + 1 and z = x * 2, each over `n` floats. */
function twoOutputs(): Uint8Array {
  const g = new GraphBuilder('two_outputs');
  const x = g.input('x', 'float', [n]);
  g.output(g.op('Add', [x, g.scalar(1)]), 'y', 'float', [n]);
  g.output(g.op('Mul', [x, g.scalar(2)]), 'z', 'float', [n]);
  return g.toBytes();
}

type Locations = InferenceSession.SessionOptions['preferredOutputLocation'];

/**
 * Runs on WebGPU (lavapipe in CI; no adapter is a failure, not a skip) with a tensor of our own given for y, as the
 * child gives a slot of shared memory: whether onnxruntime wrote y there, and what the run returned as y.
 */
async function runGivenY(locations: Locations): Promise<{ written: boolean; returned: number; zOn: string }> {
  const options: InferenceSession.SessionOptions = { executionProviders: ['webgpu'] };
  if (locations !== undefined) options.preferredOutputLocation = locations;
  const session = await ort.InferenceSession.create(twoOutputs(), options);
  try {
    const given = new Float32Array(n).fill(-7);
    const x = new ort.Tensor('float32', new Float32Array(n).fill(3), [n]);
    const out = await session.run({ x }, { y: new ort.Tensor('float32', given, [n]), z: null });
    const zOn = out.z!.location;
    out.z!.dispose();
    return { written: given.every((v) => v === 4), returned: (out.y!.data as Float32Array)[0]!, zOn };
  } finally {
    await session.release();
  }
}

describe('outputs onnxruntime writes into memory given to it, on WebGPU', () => {
  it.each<[string, Locations]>([
    ['no preferred locations', undefined],
    ["'cpu' for all", 'cpu'],
    ['every output named on the host', { y: 'cpu', z: 'cpu' }],
  ])('%s: the given tensor is written, so the host outputs may be written in place', async (_, locations) => {
    expect(preallocatesOutputs(locations)).toBe(true);
    expect(await runGivenY(locations)).toEqual({ written: true, returned: 4, zOn: 'cpu' });
  });

  // onnxruntime-node 1.30 binds outputs by location alone when any output stays on the GPU, and leaves a tensor
  // given for a host output untouched: why the ar-video decoder's frames (its state left on the GPU) came out stale
  // when written in place. When this fails, onnxruntime writes there: preallocatesOutputs may say true for such
  // sessions, and the decoder's frames be written in place too.
  it('with an output left in a GPU buffer, the given tensor is ignored, so the host outputs are copied', async () => {
    const locations: Locations = { y: 'cpu', z: 'gpu-buffer' };
    expect(preallocatesOutputs(locations)).toBe(false);
    expect(await runGivenY(locations)).toEqual({ written: false, returned: 4, zOn: 'gpu-buffer' });
  });
});
