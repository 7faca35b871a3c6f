import { GraphBuilder } from '../../runtime/graph-builder';
import { gaussian, mulberry32 } from '../../runtime/seeded-random';

/**
 * A RIFE-class frame interpolation network as ONNX, with seeded random weights: the layout of RIFE's IFNet with
 * an arbitrary timestep (ECCV 2022, `IFNet_m`), without its refinement U-Net (as Practical-RIFE v4 has none).
 * Three IFBlocks work coarse to fine at 1/4, 1/2 and full size; each sees both images, the timestep, and from the
 * second on the images warped by the flow so far, the mask and the flow, and adds to the flow (4 channels: to
 * image 0 and to image 1) and the mask. An IFBlock is two stride-2 convolutions, eight 3x3 convolutions with a
 * residual, each convolution followed by a per-channel PReLU, and a stride-2 transposed convolution to 5 channels.
 * Warping is GridSample (opset 16: bilinear, border, align_corners) on a pixel grid plus the flow; the output is
 * the two warped images mixed by sigmoid(mask), clipped to [0, 1].
 *
 * Tensors, as the real export's contract (see rife-manifest.ts): img0, img1 float [1,3,H,W] in [0,1], timestep
 * float [1,1,H,W] -> output float [1,3,H,W]. Shapes are static here (the grid is an initializer per size).
 */
export interface RifeGraphOptions {
  seed: number;
  width: number;
  height: number;
  /** Channels of the three IFBlocks, coarse to fine: RIFE's own are 240, 150, 90. */
  channels: readonly [number, number, number];
  /** Zero weights in every block's flow head: no flow, mask 0, so every output frame is the 50/50 blend. */
  zeroHead?: boolean;
}

/** RIFE's block scales, coarse to fine. */
const SCALES = [4, 2, 1] as const;
/** The real network's channels, and a tiny set that runs on any CPU in a test. */
export const standInChannels = [240, 150, 90] as const;
export const tinyChannels = [8, 6, 4] as const;

/** Builds the graph; width and height must be multiples of 16 (a 1/4 block halves its input twice). */
export function buildRifeGraph(o: RifeGraphOptions): Uint8Array {
  if (o.width % 16 !== 0 || o.height % 16 !== 0) {
    throw new Error(`the interpolation graph needs a size in multiples of 16, not ${o.width}x${o.height}`);
  }
  const g = new GraphBuilder('rife_ifnet', 17);
  const randn = gaussian(mulberry32(o.seed * 7919 + 29));
  const dims = [1, 3, o.height, o.width];
  const img0 = g.input('img0', 'float', dims);
  const img1 = g.input('img1', 'float', dims);
  const timestep = g.input('timestep', 'float', [1, 1, o.height, o.width]);
  const grid = g.floats('base_grid', [1, o.height, o.width, 2], baseGrid(o.width, o.height));
  // Flow is in pixels; GridSample wants [-1, 1] across the image (align_corners: the end pixels' centres).
  const toUnit = g.floats('flow_to_unit', [1, 2, 1, 1], [2 / (o.width - 1), 2 / (o.height - 1)]);
  const warp = (img: string, flow: string) => {
    const offset = g.op('Transpose', [g.op('Mul', [flow, toUnit])], { perm: [0, 2, 3, 1] });
    const at = g.op('Add', [grid, offset]);
    return g.op('GridSample', [img, at], { mode: 'bilinear', padding_mode: 'border', align_corners: { int: 1 } });
  };
  let flow: string | undefined;
  let mask: string | undefined;
  let warped0 = img0;
  let warped1 = img1;
  for (let i = 0; i < 3; i++) {
    const block = new IfBlock(g, randn, `block${i}`, o.channels[i]!, SCALES[i], o.zeroHead ?? false);
    const x = flow ? [img0, img1, timestep, warped0, warped1, mask!] : [img0, img1, timestep];
    const [dFlow, dMask] = block.apply(g.op('Concat', x, { axis: { int: 1 } }), flow, x.length === 3 ? 7 : 14);
    flow = flow ? g.op('Add', [flow, dFlow]) : dFlow;
    mask = mask ? g.op('Add', [mask, dMask]) : dMask;
    warped0 = warp(img0, slice(g, flow, 0, 2));
    warped1 = warp(img1, slice(g, flow, 2, 4));
  }
  const m = g.op('Sigmoid', [mask!]);
  const mixed = g.op('Add', [g.op('Mul', [warped0, m]), g.op('Mul', [warped1, g.op('Sub', [g.scalar(1), m])])]);
  g.output(g.op('Clip', [mixed, g.scalar(0), g.scalar(1)]), 'output', 'float', dims);
  return g.toBytes();
}

/** One IFBlock's weights and its nodes. */
class IfBlock {
  constructor(
    private readonly g: GraphBuilder,
    private readonly randn: () => number,
    private readonly name: string,
    private readonly c: number,
    private readonly scale: number,
    private readonly zeroHead: boolean,
  ) {}

  /** Flow and mask increments of the block, at full size, from its input features (and the flow so far). */
  apply(features: string, flow: string | undefined, planes: number): [flow: string, mask: string] {
    const { g, c, scale } = this;
    let x = scale === 1 ? features : resize(g, features, 1 / scale);
    if (flow) {
      const small = scale === 1 ? flow : resize(g, flow, 1 / scale);
      x = g.op('Concat', [x, g.op('Mul', [small, g.scalar(1 / scale)])], { axis: { int: 1 } });
      planes += 4;
    }
    x = this.conv(x, planes, c / 2, 2, 'conv0a');
    x = this.conv(x, c / 2, c, 2, 'conv0b');
    let y = x;
    for (let k = 0; k < 8; k++) y = this.conv(y, c, c, 1, `convblock${k}`);
    x = g.op('Add', [y, x]);
    const head = this.weights(`${this.name}.lastconv.w`, [c, 5, 4, 4], this.zeroHead ? 0 : 0.01);
    const bias = this.weights(`${this.name}.lastconv.b`, [5], 0);
    let tmp = g.op('ConvTranspose', [x, head, bias], { kernel_shape: [4, 4], strides: [2, 2], pads: [1, 1, 1, 1] });
    tmp = resize(g, tmp, scale * 2);
    return [g.op('Mul', [slice(g, tmp, 0, 4), g.scalar(scale * 2)]), slice(g, tmp, 4, 5)];
  }

  /** A 3x3 convolution with bias and a per-channel PReLU, as RIFE's `conv`. */
  private conv(x: string, cin: number, cout: number, stride: number, part: string): string {
    const w = this.weights(`${this.name}.${part}.w`, [cout, cin, 3, 3], Math.sqrt(2 / (cin * 9)));
    const b = this.weights(`${this.name}.${part}.b`, [cout], 0);
    const y = this.g.op('Conv', [x, w, b], { kernel_shape: [3, 3], strides: [stride, stride], pads: [1, 1, 1, 1] });
    // PyTorch's PReLU starts at a slope of 0.25 for every channel.
    const slope = this.g.floats(`${this.name}.${part}.prelu`, [cout, 1, 1], new Float32Array(cout).fill(0.25));
    return this.g.op('PRelu', [y, slope]);
  }

  private weights(name: string, dims: number[], std: number): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    if (std !== 0) for (let i = 0; i < data.length; i++) data[i] = this.randn() * std;
    return this.g.floats(name, dims, data);
  }
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
