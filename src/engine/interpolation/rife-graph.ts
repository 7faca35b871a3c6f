import { GraphBuilder } from '../../runtime/graph-builder';
import { gaussian, mulberry32 } from '../../runtime/seeded-random';

/**
 * A RIFE-class frame interpolation network as ONNX, with seeded random weights, in the layout of Practical-RIFE
 * v4.2x (`IFNet_HDv3`, the model Daydream Scope's `rife` pipeline runs):
 * - a feature head shared by both images: a stride-2 3x3 convolution to 16 channels, two more, a stride-2
 *   transposed convolution to 4 feature channels at full size (LeakyReLU 0.2 between);
 * - four IFBlocks, coarse to fine at 1/8, 1/4, 1/2 and full size, of 192, 128, 64 and 32 channels. The first sees
 *   both images, both features and the timestep (15 channels, padded to 16 with zeros); the others the images and features warped by the
 *   flow so far, the timestep, the mask and the last block's 8 feature channels, plus the flow (28 channels).
 *   A block: bilinear resize down, two stride-2 convolutions, eight residual convolutions (conv x beta + x,
 *   LeakyReLU), a stride-2 transposed convolution to 52 channels and a pixel shuffle (DepthToSpace) to 13, resized
 *   up: flow (4: to image 0 and to image 1) added to the flow, mask (1) replacing the mask, features (8);
 * - warping is GridSample (opset 16: bilinear, border, align_corners) on a pixel grid plus the flow; the output is
 *   the two warped images mixed by sigmoid(mask), clipped to [0, 1].
 *
 * Tensors, as the real export's contract (rife-manifest.ts): img0, img1 float [1,3,H,W] in [0,1], timestep float
 * [1,1,H,W] -> output float [1,3,H,W]. Shapes are static (the grid is an initializer per size); H and W are
 * multiples of 32, as RIFE pads its input (onnx-interpolator.ts pads and crops).
 */
export interface RifeGraphOptions {
  seed: number;
  width: number;
  height: number;
  /** Channels of the feature head's convolutions, then of the four IFBlocks, coarse to fine. */
  channels: readonly [number, number, number, number, number];
  /** Zero weights in every block's last convolution: no flow, mask 0, so every output frame is the 50/50 blend. */
  zeroHead?: boolean;
}

/** The block scales, coarse to fine, and the size multiple they need (1/8, then two stride-2 convolutions). */
const SCALES = [8, 4, 2, 1] as const;
export const RIFE_ALIGN = 32;
/** RIFE v4.2x's channels (head, blocks), and a tiny set that runs on any CPU in a test. */
export const standInChannels = [16, 192, 128, 64, 32] as const;
export const tinyChannels = [4, 8, 8, 4, 4] as const;
const FEATURES = 4;
const BLOCK_OUT = 13;

/** Builds the graph; width and height must be multiples of 32. */
export function buildRifeGraph(o: RifeGraphOptions): Uint8Array {
  if (o.width % RIFE_ALIGN !== 0 || o.height % RIFE_ALIGN !== 0) {
    throw new Error(`the interpolation graph needs a size in multiples of ${RIFE_ALIGN}, not ${o.width}x${o.height}`);
  }
  const g = new GraphBuilder('rife_ifnet_hdv3', 17);
  const w = new Weights(g, gaussian(mulberry32(o.seed * 7919 + 29)));
  const dims = [1, 3, o.height, o.width];
  const img0 = g.input('img0', 'float', dims);
  const img1 = g.input('img1', 'float', dims);
  const timestep = g.input('timestep', 'float', [1, 1, o.height, o.width]);
  const grid = g.floats('base_grid', [1, o.height, o.width, 2], baseGrid(o.width, o.height));
  // Flow is in pixels; GridSample wants [-1, 1] across the image (align_corners: the end pixels' centres).
  const toUnit = g.floats('flow_to_unit', [1, 2, 1, 1], [2 / (o.width - 1), 2 / (o.height - 1)]);
  const warp = (x: string, flow: string) => {
    const at = g.op('Add', [grid, g.op('Transpose', [g.op('Mul', [flow, toUnit])], { perm: [0, 2, 3, 1] })]);
    return g.op('GridSample', [x, at], { mode: 'bilinear', padding_mode: 'border', align_corners: { int: 1 } });
  };
  const cat = (xs: string[]) => g.op('Concat', xs, { axis: { int: 1 } });
  const head = featureHead(g, w, o.channels[0]);
  const [f0, f1] = [head(img0), head(img1)];
  let flow = '';
  let mask = '';
  let feat = '';
  let [warped0, warped1] = [img0, img1];
  for (let i = 0; i < 4; i++) {
    const block = ifBlock(g, w, `block${i}`, o.channels[i + 1]!, SCALES[i]!, o.zeroHead ?? false);
    if (i === 0) {
      // RIFE's 15 channels, and a 16th of zeros: onnxruntime 1.30's WebGPU Conv computes wrong results for input
      // channel counts that are multiples of 3 but not of 4 (6, 9, 15, …; seen on lavapipe, docs/interpolation.md);
      // a zero channel changes nothing in the arithmetic and keeps the block right on every provider.
      const zeros = g.op('Mul', [timestep, g.scalar(0)]);
      [flow, mask, feat] = block(cat([img0, img1, f0, f1, timestep, zeros]), 16, undefined);
    } else {
      const [wf0, wf1] = [warp(f0, slice(g, flow, 0, 2)), warp(f1, slice(g, flow, 2, 4))];
      const [dFlow, m, f] = block(cat([warped0, warped1, wf0, wf1, timestep, mask, feat]), 24, flow);
      [flow, mask, feat] = [g.op('Add', [flow, dFlow]), m, f];
    }
    [warped0, warped1] = [warp(img0, slice(g, flow, 0, 2)), warp(img1, slice(g, flow, 2, 4))];
  }
  const m = g.op('Sigmoid', [mask]);
  const mixed = g.op('Add', [g.op('Mul', [warped0, m]), g.op('Mul', [warped1, g.op('Sub', [g.scalar(1), m])])]);
  g.output(g.op('Clip', [mixed, g.scalar(0), g.scalar(1)]), 'output', 'float', dims);
  return g.toBytes();
}

type Block = (x: string, planes: number, flow: string | undefined) => [flow: string, mask: string, feat: string];

/** One IFBlock: its weights, and a function adding its nodes; returns flow, mask and features at full size. */
function ifBlock(g: GraphBuilder, w: Weights, name: string, c: number, scale: number, zeroHead: boolean): Block {
  return (features, planes, flow) => {
    let x = scale === 1 ? features : resize(g, features, 1 / scale);
    if (flow) {
      const small = scale === 1 ? flow : resize(g, flow, 1 / scale);
      x = g.op('Concat', [x, g.op('Mul', [small, g.scalar(1 / scale)])], { axis: { int: 1 } });
      planes += 4;
    }
    x = lrelu(g, w.conv(x, `${name}.conv0.0`, planes, c / 2, 3, 2));
    x = lrelu(g, w.conv(x, `${name}.conv0.1`, c / 2, c, 3, 2));
    for (let k = 0; k < 8; k++) {
      // ResConv: LeakyReLU(conv(x) * beta + x), beta a learned per-channel scale starting at 1.
      const beta = g.floats(`${name}.convblock.${k}.beta`, [1, c, 1, 1], new Float32Array(c).fill(1));
      // Random residual branches at a quarter of the He deviation keep the activations (and so the flow) near
      // their scale through the eight: at full deviation they grow 16-fold, and the warps would amplify every
      // rounding difference between providers.
      const branch = w.conv(x, `${name}.convblock.${k}.conv`, c, c, 3, 1, 0.25);
      x = lrelu(g, g.op('Add', [g.op('Mul', [branch, beta]), x]));
    }
    const std = zeroHead ? 0 : 0.01;
    const up = w.deconv(x, `${name}.lastconv.0`, c, 4 * BLOCK_OUT, std);
    let tmp = g.op('DepthToSpace', [up], { blocksize: { int: 2 }, mode: 'CRD' });
    if (scale !== 1) tmp = resize(g, tmp, scale);
    const out = g.op('Mul', [slice(g, tmp, 0, 4), g.scalar(scale)]);
    return [out, slice(g, tmp, 4, 5), slice(g, tmp, 5, BLOCK_OUT)];
  };
}

/** The feature head both images go through (shared weights): 3 -> `c` (RIFE: 16) at 1/2 -> 4 at full size. */
function featureHead(g: GraphBuilder, w: Weights, c: number): (img: string) => string {
  const names = ['encode.cnn0', 'encode.cnn1', 'encode.cnn2', 'encode.cnn3'];
  const weights = [
    w.make(`${names[0]}.w`, [c, 3, 3, 3], Math.sqrt(2 / 27)),
    w.make(`${names[1]}.w`, [c, c, 3, 3], Math.sqrt(2 / (9 * c))),
    w.make(`${names[2]}.w`, [c, c, 3, 3], Math.sqrt(2 / (9 * c))),
    w.make(`${names[3]}.w`, [c, FEATURES, 4, 4], Math.sqrt(1 / (16 * c))),
  ];
  const biases = [c, c, c, FEATURES].map((n, i) => w.make(`${names[i]}.b`, [n], 0));
  const conv = (x: string, i: number, stride: number) =>
    g.op('Conv', [x, weights[i]!, biases[i]!], { kernel_shape: [3, 3], strides: [stride, stride], pads: [1, 1, 1, 1] });
  return (img) => {
    let x = lrelu(g, conv(img, 0, 2));
    x = lrelu(g, conv(x, 1, 1));
    x = lrelu(g, conv(x, 2, 1));
    return g.op('ConvTranspose', [x, weights[3]!, biases[3]!], {
      kernel_shape: [4, 4],
      strides: [2, 2],
      pads: [1, 1, 1, 1],
    });
  };
}

/** Seeded weights and the layers that use them. */
class Weights {
  constructor(
    private readonly g: GraphBuilder,
    private readonly randn: () => number,
  ) {}

  make(name: string, dims: number[], std: number): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    if (std !== 0) for (let i = 0; i < data.length; i++) data[i] = this.randn() * std;
    return this.g.floats(name, dims, data);
  }

  /** A square convolution with bias, padded to keep the size (halved by stride 2). */
  conv(x: string, name: string, cin: number, cout: number, k: number, stride: number, gain = 1): string {
    const weight = this.make(`${name}.w`, [cout, cin, k, k], gain * Math.sqrt(2 / (cin * k * k)));
    const bias = this.make(`${name}.b`, [cout], 0);
    const pad = (k - 1) / 2;
    return this.g.op('Conv', [x, weight, bias], {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
  }

  /** A 4x4 stride-2 transposed convolution (doubles the size), weights of deviation `std`. */
  deconv(x: string, name: string, cin: number, cout: number, std: number): string {
    const weight = this.make(`${name}.w`, [cin, cout, 4, 4], std);
    const bias = this.make(`${name}.b`, [cout], 0);
    return this.g.op('ConvTranspose', [x, weight, bias], { kernel_shape: [4, 4], strides: [2, 2], pads: [1, 1, 1, 1] });
  }
}

function lrelu(g: GraphBuilder, x: string): string {
  return g.op('LeakyRelu', [x], { alpha: 0.2 });
}

/** Constants already in each graph, so every use of the same value shares one initializer. */
const made = new WeakMap<GraphBuilder, Set<string>>();

function once(g: GraphBuilder, name: string, make: (name: string) => string): string {
  const names = made.get(g) ?? made.set(g, new Set()).get(g)!;
  if (!names.has(name)) names.add(make(name));
  return name;
}

/** Bilinear resize by `factor` in both spatial axes (PyTorch's interpolate, align_corners=False). */
function resize(g: GraphBuilder, x: string, factor: number): string {
  const scales = once(g, `resize_by_${factor}`, (n) => g.floats(n, [4], [1, 1, factor, factor]));
  return g.op('Resize', [x, '', scales], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
}

/** Channels [from, to) of an NCHW tensor. */
function slice(g: GraphBuilder, x: string, from: number, to: number): string {
  const int = (v: number) => once(g, `i64_${v}`, (n) => g.int64s(n, [v]));
  return g.op('Slice', [x, int(from), int(to), int(1)]);
}

/** Pixel-centre coordinates in [-1, 1], [H, W, 2] as (x, y): GridSample's identity grid with align_corners. */
export function baseGrid(width: number, height: number): Float32Array {
  const grid = new Float32Array(width * height * 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      grid[(y * width + x) * 2] = -1 + (2 * x) / (width - 1);
      grid[(y * width + x) * 2 + 1] = -1 + (2 * y) / (height - 1);
    }
  }
  return grid;
}
