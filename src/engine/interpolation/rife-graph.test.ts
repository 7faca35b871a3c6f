import { describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { buildRifeGraph, standInChannels, tinyChannels } from './rife-graph';

const { onnx } = onnxProto;

/** Weights of the network (head and blocks), by the initializers' element counts. */
function weightCount(bytes: Uint8Array): number {
  const model = onnx.ModelProto.decode(bytes);
  return model
    .graph!.initializer!.filter((t) => /^(encode|block)/.test(t.name!))
    .reduce((sum, t) => sum + t.dims!.reduce((a, b) => a * Number(b), 1), 0);
}

describe('the RIFE-class graph', () => {
  it("the stand-in has Practical-RIFE v4.2x's weights, plus block 0's zero-input column for WebGPU", () => {
    // Computed from IFNet_HDv3's definitions: the head (3->16, 16->16, 16->16, 16->4 transposed) has 6,116 weights;
    // an IFBlock(in, c) has in*(c/2)*9 + c/2 + (c/2)*c*9 + c + 8*(c*c*9 + c + c) + c*52*16 + 52, giving 2,996,212
    // (15, 192), 1,378,292 (28, 128), 375,828 (28, 64) and 109,604 (28, 32): 4,866,052 in all.
    const padColumn = 96 * 9; // block 0's first convolution sees a 16th (zero) channel
    const bytes = buildRifeGraph({ seed: 1, width: 64, height: 32, channels: standInChannels });
    expect(weightCount(bytes)).toBe(4_866_052 + padColumn);
  });

  it('names its tensors as the real export does, and runs the warps with GridSample at opset 17', () => {
    const model = onnx.ModelProto.decode(buildRifeGraph({ seed: 1, width: 64, height: 32, channels: tinyChannels }));
    expect(model.graph!.input!.map((i) => i.name)).toEqual(['img0', 'img1', 'timestep']);
    expect(model.graph!.output!.map((o) => o.name)).toEqual(['output']);
    expect(Number(model.opsetImport![0]!.version)).toBe(17);
    // Per block after the first: both features and both images warped; after the last, the images.
    expect(model.graph!.node!.filter((n) => n.opType === 'GridSample')).toHaveLength(4 * 2 + 3 * 2);
  });

  it('refuses a size that is not a multiple of 32 with a sentence', () => {
    expect(() => buildRifeGraph({ seed: 1, width: 40, height: 32, channels: tinyChannels })).toThrow(
      'the interpolation graph needs a size in multiples of 32, not 40x32',
    );
  });
});
