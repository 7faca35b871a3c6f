import { GraphBuilder } from '../../src/runtime/graph-builder';
import { gaussian, mulberry32 } from '../../src/runtime/seeded-random';
import { normalMatrix } from './random';

export interface FieldNetOptions {
  seed: number;
  /** Hidden units per layer. */
  units: number;
  /** Hidden layers. */
  layers: number;
  /** Size of the latent vector walked over time. */
  latentSize: number;
  /** Size the network evaluates at; the graph resizes up to the output size. */
  gridWidth: number;
  gridHeight: number;
  outWidth: number;
  outHeight: number;
}

/** Activation per hidden layer, cycled: sines give flowing bands, tanh folds, the gaussian soft blobs. */
const activations = ['sin', 'tanh', 'gauss', 'sin', 'tanh', 'gauss'] as const;

/**
 * Builds the neural-field CPPN as an ONNX model. Everything per pixel happens in the graph: polar coordinates of
 * the grid are initializers, the symmetry fold and rotation are applied with Floor/Abs/Cos/Sin, an MLP with
 * seeded weights maps (x, y, r) plus the latent vector to colour and palette position, then grading, an upscaling
 * Resize and the uint8 conversion produce the [H, W, 4] RGBA output.
 */
export function buildFieldNet(o: FieldNetOptions): Uint8Array {
  const g = new GraphBuilder('neural_field');
  const randn = gaussian(mulberry32(o.seed * 7919 + 17));
  const n = o.gridWidth * o.gridHeight;
  const { theta, radius } = polarGrid(o.gridWidth, o.gridHeight);

  const view = g.input('view', 'float', [2]);
  const fold = g.input('fold', 'float', [5]);
  const latent = g.input('latent', 'float', [o.latentSize, 1]);
  const palette = g.input('palette', 'float', [3, 4]);
  const [mix, shading] = split(g, g.input('mix', 'float', [2]), 2, 0);
  const grade = g.input('grade', 'float', [4, 4]);

  const [zoom, rotation] = split(g, view, 2, 0);
  const [period, invPeriod, half, phase, foldOn] = split(g, fold, 5, 0);

  // Pixels run along the last axis ([features, N]) so every broadcast is a long contiguous span.
  const a = g.floats('theta', [1, n], theta);
  // Angle folded into one wedge: |((a - phase) mod period) - half| + phase, blended in when a symmetry is on.
  const v = g.op('Sub', [a, phase]);
  const wrapped = g.op('Sub', [v, g.op('Mul', [period, g.op('Floor', [g.op('Mul', [v, invPeriod])])])]);
  const folded = g.op('Add', [g.op('Abs', [g.op('Sub', [wrapped, half])]), phase]);
  const symmetric = g.op('Add', [a, g.op('Mul', [foldOn, g.op('Sub', [folded, a])])]);
  // Rotating after the fold turns the field under fixed mirrors, like turning a kaleidoscope's tube.
  const angle = g.op('Add', [symmetric, rotation]);

  const r = g.op('Mul', [g.floats('radius', [1, n], radius), zoom]);
  const x = g.op('Mul', [r, g.op('Cos', [angle])]);
  const y = g.op('Mul', [r, g.op('Sin', [angle])]);
  const features = g.op('Concat', [x, y, r], { axis: { int: 0 } });

  // First layer: coordinates plus the latent vector's contribution, one column broadcast to every pixel.
  const u = o.units;
  const w0 = g.floats('w0', [u, 3], normalMatrix(randn, u, 3, 1.2));
  const wz = g.floats('wz', [u, o.latentSize], normalMatrix(randn, u, o.latentSize, 1 / Math.sqrt(o.latentSize)));
  const b0 = g.floats('b0', [u, 1], normalMatrix(randn, u, 1, 0.5));
  const shift = g.op('Add', [g.op('MatMul', [wz, latent]), b0]);
  let h = activate(g, g.op('Add', [g.op('MatMul', [w0, features]), shift]), 'sin');
  for (let l = 1; l < o.layers; l++) {
    const w = g.floats(`w${l}`, [u, u], normalMatrix(randn, u, u, 2.5 / Math.sqrt(u)));
    const b = g.floats(`b${l}`, [u, 1], normalMatrix(randn, u, 1, 0.3));
    h = activate(g, g.op('Add', [g.op('MatMul', [w, h]), b]), activations[l % activations.length]!);
  }

  // Heads: RGB for the direct mode, palette position t, and a shade that darkens the palette colour.
  const wc = normalMatrix(randn, 3, u, 2.5 / Math.sqrt(u));
  const wt = normalMatrix(randn, 1, u, 1 / Math.sqrt(u));
  const ws = normalMatrix(randn, 1, u, 3 / Math.sqrt(u));
  const heads = g.op('MatMul', [g.floats('w_out', [5, u], [...wc, ...wt, ...ws]), h]);
  const [rgb, t, s] = split(g, heads, 3, 0, [3, 1, 1]);
  // Sine rather than sigmoid: the channels fold back on themselves and draw thin bright seams.
  const direct = g.op('Add', [g.scalar(0.5), g.op('Mul', [g.scalar(0.5), g.op('Sin', [rgb])])]);

  // Cosine palette a + b cos(c t + d); the 2π is folded into c and d by the caller. Rows are [3, 1] columns.
  const [pa, pb, pc, pd] = split(g, palette, 4, 1);
  const cosine = g.op('Add', [pa, g.op('Mul', [pb, g.op('Cos', [g.op('Add', [g.op('Mul', [t, pc]), pd])])])]);
  // shade = 1 + shading * (sigmoid(s) - 1): shading 0 leaves the palette flat.
  const darkening = g.op('Sub', [g.op('Sigmoid', [s]), g.scalar(1)]);
  const shade = g.op('Add', [g.scalar(1), g.op('Mul', [shading, darkening])]);
  const shaded = g.op('Mul', [cosine, shade]);
  const colour = g.op('Add', [shaded, g.op('Mul', [mix, g.op('Sub', [direct, shaded])])]);

  const [matrix, bias] = split(g, grade, 2, 1, [3, 1]);
  const graded = g.op('Add', [g.op('MatMul', [matrix, colour]), bias]);
  const clipped = g.op('Clip', [graded, g.scalar(0), g.scalar(255)]);

  // Upscaled in float over the spatial axes of NCHW, made channels-last by Split/Concat, cast to bytes last: so
  // every node runs on a GPU provider (WebGPU has no uint8 Resize or Transpose and gets channels-last Resize
  // wrong), and the one copy to the host is the finished RGBA frame.
  let image = g.op('Reshape', [clipped, g.int64s('grid_shape', [1, 4, o.gridHeight, o.gridWidth])]);
  if (o.gridWidth !== o.outWidth || o.gridHeight !== o.outHeight) {
    const sizes = g.int64s('out_sizes', [1, 4, o.outHeight, o.outWidth]);
    image = g.op('Resize', [image, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
  }
  const planes = split(g, image, 4, 1);
  const column = g.int64s('plane_shape', [o.outHeight, o.outWidth, 1]);
  const rgba = g.op(
    'Concat',
    planes.map((p) => g.op('Reshape', [p, column])),
    { axis: { int: 2 } },
  );
  g.output(g.op('Cast', [rgba], { to: { int: 2 } }), 'rgba', 'uint8', [o.outHeight, o.outWidth, 4]); // 2 = uint8
  return g.toBytes();
}

function activate(g: GraphBuilder, x: string, kind: (typeof activations)[number]): string {
  if (kind === 'sin') return g.op('Sin', [x]);
  if (kind === 'tanh') return g.op('Tanh', [x]);
  // exp(-x²) * 2 - 1 keeps the gaussian centred like the other two.
  const bump = g.op('Exp', [g.op('Neg', [g.op('Mul', [x, x])])]);
  return g.op('Sub', [g.op('Mul', [bump, g.scalar(2)]), g.scalar(1)]);
}

function split<N extends 2 | 3 | 4 | 5>(
  g: GraphBuilder,
  x: string,
  count: N,
  axis: number,
  sizes?: number[],
): Parts<N> {
  const parts = sizes ?? Array.from({ length: count }, () => 1);
  const first = g.op('Split', [x, g.int64s(`split_${x}`, parts)], { axis: { int: axis } }, count);
  return parts.map((_, i) => (i === 0 ? first : `${first}_${i}`)) as Parts<N>;
}

/** The names of a split's N outputs, as a tuple: each destructured name is a string. */
type Parts<N extends number> = N extends 2
  ? [string, string]
  : N extends 3
    ? [string, string, string]
    : N extends 4
      ? [string, string, string, string]
      : [string, string, string, string, string];

/** Polar coordinates of the grid's pixel centres; the short side spans [-1, 1] so shapes keep their aspect. */
export function polarGrid(width: number, height: number): { theta: Float32Array; radius: Float32Array } {
  const theta = new Float32Array(width * height);
  const radius = new Float32Array(width * height);
  const unit = 2 / Math.min(width, height);
  for (let j = 0; j < height; j++) {
    // Rows go down the image, y goes up.
    const y = (height / 2 - (j + 0.5)) * unit;
    for (let i = 0; i < width; i++) {
      const x = (i + 0.5 - width / 2) * unit;
      theta[j * width + i] = Math.atan2(y, x);
      radius[j * width + i] = Math.hypot(x, y);
    }
  }
  return { theta, radius };
}
