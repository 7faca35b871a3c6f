/**
 * The pre-processor stages the project builds itself, as ONNX graphs, so they run on whichever provider the
 * pipeline runs on. Every stage graph takes `image` float [1, 3, h, w] in 0..1 and gives `out` of the same shape
 * (the size stays symbolic: one graph serves any output size); its knobs are scalar graph inputs, so a parameter
 * changed live costs no rebuild. `unpack` and `pack` convert from and to the RGBA bytes of a Frame.
 */
import { GraphBuilder } from '../runtime/graph-builder';

const FLOAT = { int: 1 };
const IMAGE: (number | string)[] = [1, 3, 'h', 'w'];
/** Half-width of the largest blur kernel (blurRadius max); smaller radii zero the outer taps. */
export const MAX_BLUR_RADIUS = 8;
/** Rec. 601 luma weights, as most edge and depth pre-processors use. */
export const LUMA = [0.299, 0.587, 0.114] as const;
/** tan(22.5°): a gradient within this slope of an axis counts as along that axis (the NMS direction bins). */
const TAN_22_5 = Math.tan(Math.PI / 8);

const named = new WeakMap<GraphBuilder, Set<string>>();

/** An int64 initializer declared once per graph however often it is used (a repeat would be a duplicate). */
function ints(g: GraphBuilder, name: string, values: number[]): string {
  const seen = named.get(g) ?? new Set<string>();
  named.set(g, seen);
  if (!seen.has(name)) {
    seen.add(name);
    g.int64s(name, values);
  }
  return name;
}

/** RGBA bytes [h, w, 4] to `image` [1, 3, h, w] in 0..1. */
export function unpackGraph(): Uint8Array {
  const g = new GraphBuilder('preprocess_unpack');
  const rgba = g.input('rgba', 'uint8', ['h', 'w', 4]);
  const rgb = g.op('Slice', [
    g.op('Cast', [rgba], { to: FLOAT }),
    g.int64s('s0', [0]),
    g.int64s('s3', [3]),
    g.int64s('ax2', [2]),
  ]);
  const planar = g.op('Unsqueeze', [g.op('Transpose', [rgb], { perm: [2, 0, 1] }), g.int64s('ax0', [0])]);
  g.output(g.op('Mul', [planar, g.scalar(1 / 255)]), 'image', 'float', IMAGE);
  return g.toBytes();
}

/** `image` [1, 3, h, w] back to opaque RGBA bytes [h, w, 4], rounded. */
export function packGraph(): Uint8Array {
  const g = new GraphBuilder('preprocess_pack');
  const image = g.input('image', 'float', IMAGE);
  const bytes = g.op('Round', [g.op('Mul', [g.op('Clip', [image, g.scalar(0), g.scalar(1)]), g.scalar(255)])]);
  const hwc = g.op('Transpose', [g.op('Squeeze', [bytes, g.int64s('ax0', [0])])], { perm: [1, 2, 0] });
  const opaque = g.op('Pad', [hwc, g.int64s('alpha', [0, 0, 0, 0, 0, 1]), g.scalar(255)], { mode: 'constant' });
  g.output(g.op('Cast', [opaque], { to: { int: 2 } }), 'rgba', 'uint8', ['h', 'w', 4]);
  return g.toBytes();
}

/** Luma [1, 1, h, w] of `image`, as a 1×1 convolution. */
function luma(g: GraphBuilder, image: string): string {
  return g.op('Conv', [image, g.floats('luma_weights', [1, 3, 1, 1], LUMA)], { kernel_shape: [1, 1] });
}

/** A one-channel map repeated into three (a grey picture). */
function grey3(g: GraphBuilder, x: string): string {
  return g.op('Concat', [x, x, x], { axis: { int: 1 } });
}

/** Pads H and W by `n` repeating the border pixels (so a blur or gradient sees no black frame around the image). */
function edgePad(g: GraphBuilder, x: string, top: number, left: number): string {
  const pads = ints(g, `pads_${top}_${left}`, [0, 0, top, left, 0, 0, top, left]);
  return g.op('Pad', [x, pads], { mode: 'edge' });
}

/** Sobel gradients of a one-channel map: [gx, gy], each [1, 1, h, w]; a 0→1 step gives 4. */
function sobel(g: GraphBuilder, y: string): [string, string] {
  const padded = edgePad(g, y, 1, 1);
  const gx = g.floats('sobel_x', [1, 1, 3, 3], [-1, 0, 1, -2, 0, 2, -1, 0, 1]);
  const gy = g.floats('sobel_y', [1, 1, 3, 3], [-1, -2, -1, 0, 0, 0, 1, 2, 1]);
  return [g.op('Conv', [padded, gx], { kernel_shape: [3, 3] }), g.op('Conv', [padded, gy], { kernel_shape: [3, 3] })];
}

/** Gradient magnitude scaled so a black-to-white step is 1. */
function magnitude(g: GraphBuilder, gx: string, gy: string): string {
  const sq = (v: string) => g.op('Mul', [v, v]);
  return g.op('Mul', [g.op('Sqrt', [g.op('Add', [sq(gx), sq(gy)])]), g.scalar(0.25)]);
}

export function grayscaleGraph(): Uint8Array {
  const g = new GraphBuilder('preprocess_grayscale');
  g.output(grey3(g, luma(g, g.input('image', 'float', IMAGE))), 'out', 'float', IMAGE);
  return g.toBytes();
}

/**
 * Separable Gaussian blur, each pass a depthwise Conv whose kernel is computed in the graph from the `radius`
 * input (σ = radius / 2, taps beyond the radius zero, normalised to sum 1): radius 0 is the identity.
 */
export function blurGraph(): Uint8Array {
  const g = new GraphBuilder('preprocess_blur');
  const image = g.input('image', 'float', IMAGE);
  const radius = g.input('radius', 'float', []);
  const r = MAX_BLUR_RADIUS;
  const taps = g.floats(
    'taps',
    [2 * r + 1],
    Array.from({ length: 2 * r + 1 }, (_, i) => i - r),
  );
  const sigma = g.op('Max', [g.op('Mul', [radius, g.scalar(0.5)]), g.scalar(0.25)]);
  const twoSigmaSq = g.op('Mul', [g.op('Mul', [sigma, sigma]), g.scalar(2)]);
  const gauss = g.op('Exp', [g.op('Neg', [g.op('Div', [g.op('Mul', [taps, taps]), twoSigmaSq])])]);
  const inside = g.op('Cast', [g.op('Less', [g.op('Abs', [taps]), g.op('Add', [radius, g.scalar(0.5)])])], {
    to: FLOAT,
  });
  const masked = g.op('Mul', [gauss, inside]);
  const kernel = g.op('Div', [masked, g.op('ReduceSum', [masked])]);
  const shaped = (dims: number[], name: string) =>
    g.op('Expand', [
      g.op('Reshape', [kernel, g.int64s(`${name}_shape`, [1, 1, ...dims])]),
      g.int64s(name, [3, 1, ...dims]),
    ]);
  const across = g.op('Conv', [edgePad(g, image, 0, r), shaped([1, 2 * r + 1], 'kernel_h')], { group: { int: 3 } });
  const down = g.op('Conv', [edgePad(g, across, r, 0), shaped([2 * r + 1, 1], 'kernel_v')], { group: { int: 3 } });
  g.output(down, 'out', 'float', IMAGE);
  return g.toBytes();
}

/** Posterise: each channel rounded to `levels` evenly spaced values from 0 to 1. */
export function posterizeGraph(): Uint8Array {
  const g = new GraphBuilder('preprocess_posterize');
  const image = g.input('image', 'float', IMAGE);
  const steps = g.op('Sub', [g.input('levels', 'float', []), g.scalar(1)]);
  const clipped = g.op('Clip', [image, g.scalar(0), g.scalar(1)]);
  g.output(g.op('Div', [g.op('Round', [g.op('Mul', [clipped, steps])]), steps]), 'out', 'float', IMAGE);
  return g.toBytes();
}

/** Black and white: luma at or above `level` is white. */
export function thresholdGraph(): Uint8Array {
  const g = new GraphBuilder('preprocess_threshold');
  const y = luma(g, g.input('image', 'float', IMAGE));
  const white = g.op('Cast', [g.op('GreaterOrEqual', [y, g.input('level', 'float', [])])], { to: FLOAT });
  g.output(grey3(g, white), 'out', 'float', IMAGE);
  return g.toBytes();
}

/** Soft edges: the Sobel gradient magnitude of the luma, blurred by a 3×3 binomial kernel, white on black. */
export function softEdgesGraph(): Uint8Array {
  const g = new GraphBuilder('preprocess_softedges');
  const [gx, gy] = sobel(g, luma(g, g.input('image', 'float', IMAGE)));
  const binomial = [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16);
  const soft = g.op('Conv', [edgePad(g, magnitude(g, gx, gy), 1, 1), g.floats('binomial', [1, 1, 3, 3], binomial)]);
  g.output(grey3(g, g.op('Clip', [soft, g.scalar(0), g.scalar(1)])), 'out', 'float', IMAGE);
  return g.toBytes();
}

/**
 * Canny-like edges: Sobel gradient of the luma, non-maximum suppression along the gradient direction binned to
 * four (horizontal, vertical, two diagonals), then one threshold (no hysteresis: a single `threshold` input).
 * A pixel survives when it is stronger than its neighbour on one side and at least as strong as the other's, so a
 * two-pixel-wide ridge (a sharp step) thins to one line. Chain `blur` before it for Canny's smoothing.
 */
export function edgesGraph(): Uint8Array {
  const g = new GraphBuilder('preprocess_edges');
  const [gx, gy] = sobel(g, luma(g, g.input('image', 'float', IMAGE)));
  const mag = magnitude(g, gx, gy);
  // The eight neighbours of every pixel as channels of one Conv with one-hot kernels (0 outside the picture):
  // left, right, up, down, up-left, down-right, up-right, down-left.
  const at = [3, 5, 1, 7, 0, 8, 2, 6];
  const oneHot = at.flatMap((k) => Array.from({ length: 9 }, (_, i) => (i === k ? 1 : 0)));
  const padded = g.op('Pad', [mag, g.int64s('pad1', [0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'constant' });
  const around = g.op('Conv', [padded, g.floats('neighbours', [8, 1, 3, 3], oneHot)], { kernel_shape: [3, 3] });
  const n = at.map((_, i) =>
    g.op('Slice', [around, g.int64s(`c${i}`, [i]), g.int64s(`c${i}e`, [i + 1]), ints(g, 'ax1', [1])]),
  );
  const ax = g.op('Abs', [gx]);
  const ay = g.op('Abs', [gy]);
  const alongX = g.op('LessOrEqual', [ay, g.op('Mul', [ax, g.scalar(TAN_22_5)])]);
  const alongY = g.op('LessOrEqual', [ax, g.op('Mul', [ay, g.scalar(TAN_22_5)])]);
  // Image rows grow downwards, so gx·gy > 0 points down-right: its neighbours are up-left and down-right.
  const falling = g.op('Greater', [g.op('Mul', [gx, gy]), g.scalar(0)]);
  const pick = (x: string, y: string, d1: string, d2: string) =>
    g.op('Where', [alongX, x, g.op('Where', [alongY, y, g.op('Where', [falling, d1, d2])])]);
  const before = pick(n[0]!, n[2]!, n[4]!, n[6]!);
  const after = pick(n[1]!, n[3]!, n[5]!, n[7]!);
  const ridge = g.op('And', [g.op('Greater', [mag, before]), g.op('GreaterOrEqual', [mag, after])]);
  const strong = g.op('GreaterOrEqual', [mag, g.input('threshold', 'float', [])]);
  g.output(grey3(g, g.op('Cast', [g.op('And', [ridge, strong])], { to: FLOAT })), 'out', 'float', IMAGE);
  return g.toBytes();
}
