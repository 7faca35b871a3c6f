/**
 * The graphs the project builds around the depth model (Depth-Anything-V2-Small, or its stand-in): `pre` resizes
 * the picture to the model's square input and normalises it; `post` scales the model's relative inverse depth to
 * 0..1 (near is white, as depth ControlNets expect), resizes it back to the picture, and blends it with the
 * previous frame's map (an exponential moving average, `keep` of the old map) so the map does not flicker.
 */
import { GraphBuilder } from '../runtime/graph-builder';

/** The model's input and output, as the Hub's ONNX export names them (optimum's depth-estimation export). */
export const DEPTH_MODEL = {
  input: 'pixel_values',
  output: 'predicted_depth',
  /** Side of the square input: 37 patches of 14 pixels (the model card's default input size). */
  size: 518,
  /** ImageNet normalisation, as the model's preprocessor applies it. */
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
} as const;

const IMAGE: (number | string)[] = [1, 3, 'h', 'w'];

/** `image` [1, 3, h, w] in 0..1 -> `pixel_values` [1, 3, size, size], normalised. */
export function depthPreGraph(size: number = DEPTH_MODEL.size): Uint8Array {
  const g = new GraphBuilder('preprocess_depth_pre');
  const image = g.input('image', 'float', IMAGE);
  const sizes = g.int64s('sizes', [1, 3, size, size]);
  const resized = g.op('Resize', [image, '', '', sizes], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
  const mean = g.floats('mean', [1, 3, 1, 1], DEPTH_MODEL.mean);
  const std = g.floats('std', [1, 3, 1, 1], DEPTH_MODEL.std);
  g.output(g.op('Div', [g.op('Sub', [resized, mean]), std]), DEPTH_MODEL.input, 'float', [1, 3, size, size]);
  return g.toBytes();
}

/**
 * `predicted_depth` [1, size, size] with `previous` [1, 1, h, w] (the last map, at the picture's size) and
 * `keep` (0..1) -> `depth` [1, 1, h, w] (the next frame's `previous`) and `out` [1, 3, h, w] (the grey map).
 */
export function depthPostGraph(size: number = DEPTH_MODEL.size): Uint8Array {
  const g = new GraphBuilder('preprocess_depth_post');
  const raw = g.op('Unsqueeze', [g.input(DEPTH_MODEL.output, 'float', [1, size, size]), g.int64s('ax1', [1])]);
  const previous = g.input('previous', 'float', [1, 1, 'h', 'w']);
  const keep = g.input('keep', 'float', []);
  const lo = g.op('ReduceMin', [raw]);
  const range = g.op('Add', [g.op('Sub', [g.op('ReduceMax', [raw]), lo]), g.scalar(1e-6)]);
  const unit = g.op('Div', [g.op('Sub', [raw, lo]), range]);
  const sized = g.op('Resize', [unit, '', '', g.op('Shape', [previous])], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
  const fresh = g.op('Mul', [sized, g.op('Sub', [g.scalar(1), keep])]);
  const depth = g.op('Add', [g.op('Mul', [previous, keep]), fresh]);
  g.output(depth, 'depth', 'float', [1, 1, 'h', 'w']);
  g.output(g.op('Concat', [depth, depth, depth], { axis: { int: 1 } }), 'out', 'float', IMAGE);
  return g.toBytes();
}
