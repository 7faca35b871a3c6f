/**
 * The stream batch's arithmetic as ONNX graphs, so that latents never leave the device between frames: `prepare`
 * assembles the UNet batch from the new frame and the frames in flight, `update` applies the LCM step with RCFG
 * and re-noises each frame to its next stage. They compute exactly what StreamBatch (stream-batch.ts, the host
 * reference the tests compare against) computes, stage by stage, on [n, 4, h, w] tensors.
 */
import { GraphBuilder } from '../../src/runtime/graph-builder';
import type { ElemType } from '../../src/runtime/graph-builder';
import type { Stage } from './schedule';
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
  addNoise: boolean;
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
 * xs [n,4,h,w], the latents of this call, for `update`.
 */
export function buildPrepare(c: PrepareGraph): Uint8Array {
  const b = new Graph('stream_prepare');
  const n = c.stages;
  const noise = b.input('noise', LATENT(n));
  const noise0 = b.slice(noise, 0, 1);
  let first = noise0;
  if (c.img2img) {
    const x0 = b.mul(b.input('x0', LATENT(1), c.x0Half), b.scalar(c.latentScale));
    first = c.addNoise ? b.add(b.mul(x0, b.scalar(c.alpha0)), b.mul(noise0, b.scalar(c.beta0))) : x0;
  }
  const xs = n > 1 ? b.concat([first, b.input('fifo_x', LATENT(n - 1))]) : first;
  const sample = c.negatives > 0 ? b.concat([xs, b.slice(xs, 0, c.negatives)]) : b.op('Identity', [xs]);
  b.output(sample, 'sample', LATENT(n + c.negatives), c.unetHalf ? 'float16' : 'float');
  b.output(b.op('Identity', [xs]), 'xs', LATENT(n));
  return b.g.toBytes();
}

export interface UpdateGraph {
  stages: Stage[];
  cfg: CfgMode;
  latentScale: number;
  epsHalf: boolean;
  /** The decoder's latent_sample type. */
  latentHalf: boolean;
}

/** Batch layout of a cfg mode: how many negative copies follow the n conditional ones. */
export const negativesOf = (cfg: CfgMode, n: number) => (cfg === 'full' ? n : cfg === 'initialize' ? 1 : 0);

/**
 * eps [n+neg,4,h,w], xs [n,…], noise [n,…], fifo_noise [n-1,…], guidance [2] = (γ, δ) unless cfg is none,
 * fifo_x0neg [n-1,…] and fifo_has [n-1,1,1,1] for initialize -> latent [1,4,h,w] (the finished frame, divided by
 * the latent scale for the decoder), next_x and next_noise, the FIFO of the next call (and next_x0neg, next_has).
 */
export function buildUpdate(c: UpdateGraph): Uint8Array {
  const b = new Graph('stream_update');
  const s = c.stages;
  const n = s.length;
  const neg = negativesOf(c.cfg, n);
  const eps = b.input('eps', LATENT(n + neg), c.epsHalf);
  const xs = b.input('xs', LATENT(n));
  const noise = b.input('noise', LATENT(n));
  const noises = n > 1 ? b.concat([b.slice(noise, 0, 1), b.input('fifo_noise', LATENT(n - 1))]) : b.slice(noise, 0, 1);
  const alpha = b.column(
    'alpha',
    s.map((x) => x.alpha),
  );
  const beta = b.column(
    'beta',
    s.map((x) => x.beta),
  );
  const cond = neg > 0 ? b.slice(eps, 0, n) : eps;

  let e = cond;
  let u0: string | undefined;
  if (c.cfg !== 'none') {
    const guidance = b.input('guidance', [2]);
    const gamma = b.slice(guidance, 0, 1);
    const delta = b.slice(guidance, 1, 2);
    let u: string;
    if (c.cfg === 'full') {
      u = b.slice(eps, n, 2 * n);
    } else if (c.cfg === 'self') {
      u = b.mul(noises, delta);
    } else {
      // initialize: stage 0 from the UNet's negative call; later stages from the negative x̂₀ each frame carries
      // (residual noise), or from their noise when the frame entered before this mode was switched on.
      u0 = b.slice(eps, n, n + 1);
      u = u0;
      if (n > 1) {
        const x0neg = b.input('fifo_x0neg', LATENT(n - 1));
        const has = b.input('fifo_has', [n - 1, 1, 1, 1]);
        const xRest = b.slice(xs, 1, n);
        const residual = b.div(b.sub(xRest, b.mul(b.slice(alpha, 1, n), x0neg)), b.slice(beta, 1, n));
        const rest = b.slice(noises, 1, n);
        const picked = b.add(b.mul(has, residual), b.mul(b.sub(b.scalar(1), has), rest));
        u = b.concat([u0, b.mul(picked, delta)]);
      }
    }
    e = b.add(u, b.mul(gamma, b.sub(cond, u)));
  }

  const x0hat = b.div(b.sub(xs, b.mul(beta, e)), alpha);
  const cSkip = b.column(
    'c_skip',
    s.map((x) => x.cSkip),
  );
  const cOut = b.column(
    'c_out',
    s.map((x) => x.cOut),
  );
  const denoised = b.add(b.mul(cSkip, xs), b.mul(cOut, x0hat));

  const latent = b.mul(b.slice(denoised, n - 1, n), b.scalar(1 / c.latentScale));
  b.output(latent, 'latent', LATENT(1), c.latentHalf ? 'float16' : 'float');
  if (n > 1) {
    const nextAlpha = b.column(
      'next_alpha',
      s.slice(1).map((x) => x.alpha),
    );
    const nextBeta = b.column(
      'next_beta',
      s.slice(1).map((x) => x.beta),
    );
    const later = b.slice(noise, 1, n);
    b.output(b.add(b.mul(nextAlpha, b.slice(denoised, 0, n - 1)), b.mul(nextBeta, later)), 'next_x', LATENT(n - 1));
    b.output(b.op('Identity', [later]), 'next_noise', LATENT(n - 1));
    if (c.cfg === 'initialize') {
      const frameX0neg = b.div(b.sub(b.slice(xs, 0, 1), b.mul(b.scalar(s[0]!.beta), u0!)), b.scalar(s[0]!.alpha));
      const carried = n > 2 ? [b.slice('fifo_x0neg', 0, n - 2)] : [];
      const hasCarried = n > 2 ? [b.slice('fifo_has', 0, n - 2)] : [];
      b.output(b.concat([frameX0neg, ...carried]), 'next_x0neg', LATENT(n - 1));
      const one = b.g.floats('one', [1, 1, 1, 1], [1]);
      b.output(b.concat([b.op('Identity', [one]), ...hasCarried]), 'next_has', [n - 1, 1, 1, 1]);
    }
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
