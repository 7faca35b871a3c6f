/**
 * The control image on the device: RGBA bytes [H, W, 4] -> controlnet_cond [b, 3, H, W] in [0, 1], the same picture
 * for every element of the UNet's batch. A quarter of the float upload, and no per-pixel loop on this thread.
 */
import { GraphBuilder } from '../../../src/runtime/graph-builder';
import { CONTROL_IMAGE } from './residuals';

export function buildControlImage(width: number, height: number, batch: number, half: boolean): Uint8Array {
  const g = new GraphBuilder('control_image');
  const rgba = g.input('rgba', 'uint8', [height, width, 4]);
  const floats = g.op('Div', [g.op('Cast', [rgba], { to: { int: 1 } }), g.scalar(255)]);
  // [H, W, 4] -> [4, H, W] -> the first three planes -> [1, 3, H, W] -> b copies.
  const planes = g.op('Transpose', [floats], { perm: [2, 0, 1] });
  const rgb = g.op('Slice', [planes, g.int64s('from', [0]), g.int64s('to', [3]), g.int64s('axis', [0])]);
  const one = g.op('Unsqueeze', [rgb, g.int64s('batch_axis', [0])]);
  let out = g.op('Expand', [one, g.int64s('shape', [batch, 3, height, width])]);
  if (half) out = g.op('Cast', [out], { to: { int: 10 } });
  g.output(out, CONTROL_IMAGE, half ? 'float16' : 'float', [batch, 3, height, width]);
  return g.toBytes();
}
