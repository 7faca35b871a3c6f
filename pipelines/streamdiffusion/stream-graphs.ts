/**
 * The stream batch's arithmetic as ONNX graphs, so that latents never leave the device between frames: `prepare`
 * assembles the UNet batch from the new frame and the frames in flight, `update` applies the LCM step with RCFG
 * and re-noises each frame to its next stage. They compute exactly what StreamBatch (stream-batch.ts, the host
 * reference the tests compare against) computes, stage by stage, on [n, 4, h, w] tensors.
 */
import { GraphBuilder } from '../../src/runtime/graph-builder';
import type { ElemType } from '../../src/runtime/graph-builder';
import type { Stage } from './schedule';
import { negativesOf } from './stream-batch';
import type { CfgMode } from './stream-batch';

const FLOAT = 1;
const FLOAT16 = 10;
const UINT8 = 2;

/** A GraphBuilder with the few helpers these graphs share. */
class Graph {
  readonly g: GraphBuilder;
  private n = 0;

  constructor(name: string) {
    this.g = new GraphBuilder(name);
  }

  /** An input of `half ? float16 : float`, cast to float for the maths. */
  input(name: string, dims: (number | string)[], half = false): string {
    const x = this.g.input(name, half ? 'float16' : 'float', dims);
    return half ? this.g.op('Cast', [x], { to: { int: FLOAT } }) : x;
  }

  output(value: string, name: string, dims: (number | string)[], type: ElemType = 'float'): void {
    const to = type === 'float16' ? FLOAT16 : type === 'uint8' ? UINT8 : undefined;
    this.g.output(to === undefined ? value : this.g.op('Cast', [value], { to: { int: to } }), name, type, dims);
  }

  /** x[start:end] along `axis`. */
  slice(x: string, start: number, end: number, axis = 0): string {
    const id = this.n++;
    const ints = (v: number) => this.g.int64s(`slice_${id}_${this.n++}`, [v]);
    return this.g.op('Slice', [x, ints(start), ints(end), ints(axis)]);
  }

  /** A per-stage coefficient column [k, 1, 1, 1]. */
  column(name: string, values: number[]): string {
    return this.g.floats(name, [values.length, 1, 1, 1], values);
  }

  op(type: string, inputs: string[], attrs: Parameters<GraphBuilder['op']>[2] = {}): string {
    return this.g.op(type, inputs, attrs);
  }

  add = (a: string, b: string) => this.op('Add', [a, b]);
  sub = (a: string, b: string) => this.op('Sub', [a, b]);
  mul = (a: string, b: string) => this.op('Mul', [a, b]);
  div = (a: string, b: string) => this.op('Div', [a, b]);
  scalar = (v: number) => this.g.scalar(v);
  concat = (parts: string[], axis = 0) =>
    parts.length === 1 ? parts[0]! : this.op('Concat', parts, { axis: { int: axis } });
}

const LATENT = (k: number | string) => [k, 4, 'h', 'w'];

export interface PrepareGraph {
  stages: number;
  /** Negative-conditioned copies of the first stages appended to the batch (full CFG: n, initialize: 1). */
  negatives: number;
  img2img: boolean;
  /** √ᾱ and √(1-ᾱ) of stage 0. */
  alpha0: number;
  beta0: number;
  /** The VAE latent times this is the UNet latent (SD 2.1: 0.18215). */
  latentScale: number;
  /** Element types of the encoder's latent (x0) and the UNet's sample. */
  x0Half: boolean;
  unetHalf: boolean;
}

/**
 * noise [n,4,h,w], fifo_x [n-1,4,h,w] (n > 1), x0 [1,4,h,w] (img2img) -> sample [n+neg,4,h,w] for the UNet and
 * xs [n,4,h,w], the latents of this call, for `update`. The input latent is always noised to stage 0, whatever
 * addNoise says (StreamDiffusion's encode_image; see StreamBatch.step).
 */
export function buildPrepare(c: PrepareGraph): Uint8Array {
  const b = new Graph('stream_prepare');
  const n = c.stages;
  const noise = b.input('noise', LATENT(n));
  const noise0 = b.slice(noise, 0, 1);
  let first = noise0;
  if (c.img2img) {
    const x0 = b.mul(b.input('x0', LATENT(1), c.x0Half), b.scalar(c.latentScale));
    first = b.add(b.mul(x0, b.scalar(c.alpha0)), b.mul(noise0, b.scalar(c.beta0)));
  }
  const xs = n > 1 ? b.concat([first, b.input('fifo_x', LATENT(n - 1))]) : first;
  const sample = c.negatives > 0 ? b.concat([xs, b.slice(xs, 0, c.negatives)]) : b.op('Identity', [xs]);
  b.output(sample, 'sample', LATENT(n + c.negatives), c.unetHalf ? 'float16' : 'float');
  b.output(b.op('Identity', [xs]), 'xs', LATENT(n));
  return b.g.toBytes();
}

export interface UpdateGraph {
  stages: Stage[];
  /** The cfg mode that runs (activeCfg: none while γ <= 1). */
  cfg: CfgMode;
  /** Fresh stage noise when a frame moves on to the next stage (StreamDiffusion's do_add_noise). */
  addNoise: boolean;
  latentScale: number;
  epsHalf: boolean;
  /** The decoder's latent_sample type. */
  latentHalf: boolean;
}

/**
 * eps [n+neg,4,h,w], xs [n,…], noise [n,…], fifo_stock [n-1,…] (the stock noises of the frames in flight),
 * guidance [2] = (γ, δ) unless cfg is none -> latent [1,4,h,w] (the finished frame, divided by the latent scale
 * for the decoder), next_x and next_stock, the FIFO of the next call. StreamBatch.step, stage by stage.
 */
export function buildUpdate(c: UpdateGraph): Uint8Array {
  const b = new Graph('stream_update');
  const s = c.stages;
  const n = s.length;
  const neg = negativesOf(c.cfg, n);
  const eps = b.input('eps', LATENT(n + neg), c.epsHalf);
  const xs = b.input('xs', LATENT(n));
  const noise = b.input('noise', LATENT(n));
  // A frame enters with the stage-0 noise as its stock (initialize: the UNet's negative prediction).
  const stock0 = c.cfg === 'initialize' ? b.slice(eps, n, n + 1) : b.slice(noise, 0, 1);
  const stocks = n > 1 ? b.concat([stock0, b.input('fifo_stock', LATENT(n - 1))]) : stock0;
  const column = (name: string, values: number[]) => b.column(name, values);
  const alpha = column(
    'alpha',
    s.map((x) => x.alpha),
  );
  const beta = column(
    'beta',
    s.map((x) => x.beta),
  );
  const cond = neg > 0 ? b.slice(eps, 0, n) : eps;

  let e = cond;
  if (c.cfg !== 'none') {
    const guidance = b.input('guidance', [2]);
    const gamma = b.slice(guidance, 0, 1);
    const u = c.cfg === 'full' ? b.slice(eps, n, 2 * n) : b.mul(stocks, b.slice(guidance, 1, 2));
    e = b.add(u, b.mul(gamma, b.sub(cond, u)));
  }

  const cSkip = column(
    'c_skip',
    s.map((x) => x.cSkip),
  );
  const cOut = column(
    'c_out',
    s.map((x) => x.cOut),
  );
  // The LCM step c_skip·x + c_out·(x - √(1-ᾱ)·ε)/√ᾱ, of the latents and (stockNext) of the scaled stocks.
  const lcm = (x: string) => b.add(b.mul(cSkip, x), b.mul(cOut, b.div(b.sub(x, b.mul(beta, e)), alpha)));
  const denoised = lcm(xs);

  const latent = b.mul(b.slice(denoised, n - 1, n), b.scalar(1 / c.latentScale));
  b.output(latent, 'latent', LATENT(1), c.latentHalf ? 'float16' : 'float');
  if (n > 1) {
    const nextAlpha = column(
      'next_alpha',
      s.slice(1).map((x) => x.alpha),
    );
    const later = b.slice(noise, 1, n);
    let nextX = b.mul(nextAlpha, b.slice(denoised, 0, n - 1));
    if (c.addNoise) {
      const nextBeta = column(
        'next_beta',
        s.slice(1).map((x) => x.beta),
      );
      nextX = b.add(nextX, b.mul(nextBeta, later));
    }
    b.output(nextX, 'next_x', LATENT(n - 1));
    const ratio = column(
      'next_ratio',
      s.slice(1).map((x) => x.alpha / x.beta),
    );
    const moved = b.slice(lcm(b.mul(beta, stocks)), 0, n - 1);
    b.output(b.add(later, b.mul(ratio, moved)), 'next_stock', LATENT(n - 1));
  }
  return b.g.toBytes();
}

/** rgba uint8 [H,W,4] -> sample [1,3,H,W] in [-1,1] for the VAE encoder (imageToTensor on the device). */
export function buildFromRgba(width: number, height: number, half: boolean): Uint8Array {
  const b = new Graph('from_rgba');
  const rgba = b.g.input('rgba', 'uint8', [height, width, 4]);
  const v = b.sub(b.div(b.op('Cast', [rgba], { to: { int: FLOAT } }), b.scalar(127.5)), b.scalar(1));
  const plane = b.g.int64s('plane', [1, 1, height, width]);
  const [r, g, bl] = split(b, v, 4, 2).map((p) => b.op('Reshape', [p, plane]));
  b.output(b.concat([r!, g!, bl!], 1), 'sample', [1, 3, height, width], half ? 'float16' : 'float');
  return b.g.toBytes();
}

function split(b: Graph, x: string, count: number, axis: number): string[] {
  const sizes = b.g.int64s(
    `split_${x}`,
    Array.from({ length: count }, () => 1),
  );
  const first = b.g.op('Split', [x, sizes], { axis: { int: axis } }, count);
  return Array.from({ length: count }, (_, i) => (i === 0 ? first : `${first}_${i}`));
}

/**
 * sample [1,3,H,W] -> finite [] = Σ (x - x): 0 when every value is finite, NaN when any is NaN or infinite. The
 * device engine runs it on its first decoded frames, since the RGBA conversion would turn NaN into black.
 */
export function buildFiniteCheck(half: boolean): Uint8Array {
  const b = new Graph('finite_check');
  const x = b.input('sample', [1, 3, 'h', 'w'], half);
  b.output(b.op('ReduceSum', [b.sub(x, x)], { keepdims: { int: 0 } }), 'finite', []);
  return b.g.toBytes();
}
