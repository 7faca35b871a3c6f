/**
 * A Wan2.1-shaped causal DiT block graph with random weights, on the ar-video block contract: the architecture of
 * Wan2.1-T2V-1.3B as the causal models run it (wan/modules/model.py, causal_model.py of Self-Forcing/LongLive):
 * patch embedding (1,2,2), sinusoidal time embedding with a 6-way AdaLN modulation per frame, text embedding,
 * per layer self-attention with RMS-normed q/k and 3-axis RoPE (t/h/w split 44/42/42 of head_dim 128) over the
 * cache and the block's own tokens, cross-attention to the text, a GELU(tanh) FFN, and the modulated head. Images
 * from it are noise; its cost and memory are the real model's, so block time can be measured without weights.
 */
import type { GraphBuilder } from '../../../src/runtime/graph-builder';
import type { ElemType } from '../../../src/runtime/graph-builder';
import { cacheKey, cacheValue, newKey, newValue } from '../contract';
import type { WeightStore } from './weights';

export interface WanShape {
  layers: number;
  dim: number;
  heads: number;
  ffn: number;
  channels: number;
  /** Latent size (pixels / 8). */
  height: number;
  width: number;
  slots: number;
  textLength: number;
  textDim: number;
  /** Heads whose attention scores are computed together (bounds the transient score buffer). */
  headsPerGroup: number;
}

/** Wan2.1-T2V-1.3B (§3 of the model-shapes fact sheet) at 480×832 with LongLive's 9 cache slots. */
export const wan13b: WanShape = {
  layers: 30,
  dim: 1536,
  heads: 12,
  ffn: 8960,
  channels: 16,
  height: 60,
  width: 104,
  slots: 9,
  textLength: 512,
  textDim: 4096,
  headsPerGroup: 4,
};

/** The split of a head's rotary pairs over time, height and width: Wan's d - 4·(d//6), 2·(d//6), 2·(d//6). */
export function ropeSplit(headDim: number): [number, number, number] {
  const hw = 2 * Math.floor(headDim / 6);
  return [(headDim - 2 * hw) / 2, hw / 2, hw / 2];
}

/** Wan's rope_params inverse frequencies for a part of `dims` real dimensions: 1 / 10000^(2i/dims). */
export function ropeFrequencies(dims: number): Float32Array {
  return Float32Array.from({ length: dims / 2 }, (_, i) => 1 / 10000 ** ((2 * i) / dims));
}

/** Parameters of a Wan DiT of this shape (1,418,996,800 for Wan2.1-T2V-1.3B; fact sheet §3). */
export function wanParameters(s: Pick<WanShape, 'layers' | 'dim' | 'ffn' | 'channels' | 'textDim'>): number {
  const d = s.dim;
  const linear = (i: number, o: number) => i * o + o;
  const attention = 4 * linear(d, d) + 2 * d;
  const block = 2 * attention + 2 * d + linear(d, s.ffn) + linear(s.ffn, d) + 6 * d;
  const embeddings =
    linear(4 * s.channels, d) + linear(s.textDim, d) + linear(d, d) + linear(256, d) + linear(d, d) + linear(d, 6 * d);
  return s.layers * block + embeddings + linear(d, 4 * s.channels) + 2 * d;
}

export function buildWanBlock(s: WanShape, w: WeightStore): Uint8Array {
  const g = w.graph;
  const fp: ElemType = w.type === 'float16' ? 'float16' : 'float';
  const toFp = (x: string) => (w.type === 'float16' ? g.op('Cast', [x], { to: { int: 10 } }) : x);
  const dh = s.dim / s.heads;
  const hp = s.height / 2;
  const wp = s.width / 2;
  const T = hp * wp;
  let n = 0;
  const ints = (v: number[]) => g.int64s(`dims_${n++}`, v);
  const lin = (x: string, name: string, din: number, dout: number, bias = true) => {
    const y = g.op('MatMul', [x, w.normal(`${name}.weight`, [din, dout], 1 / Math.sqrt(din))]);
    return bias ? g.op('Add', [y, w.zeros(`${name}.bias`, [dout])]) : y;
  };
  const silu = (x: string) => g.op('Mul', [x, g.op('Sigmoid', [x])]);
  const gelu = (x: string) => {
    const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
    const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, w.scalar(0.044715)])]), w.scalar(0.7978845608)]);
    return g.op('Mul', [g.op('Mul', [x, w.scalar(0.5)]), g.op('Add', [g.op('Tanh', [inner]), w.scalar(1)])]);
  };
  const unit = w.constant('layer_norm.unit', [s.dim], 1);
  const none = w.constant('layer_norm.none', [s.dim], 0);
  const layerNorm = (x: string, name: string, affine: boolean) => {
    const scale = affine ? w.ones(`${name}.weight`, [s.dim]) : unit;
    const bias = affine ? w.zeros(`${name}.bias`, [s.dim]) : none;
    return g.op('LayerNormalization', [x, scale, bias], { axis: { int: -1 }, epsilon: 1e-6 });
  };
  const rmsNorm = (x: string, name: string) => {
    const ms = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: { int: 1 } });
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ms, w.scalar(1e-6)])])]);
    return g.op('Mul', [g.op('Mul', [x, inv]), w.ones(`${name}.weight`, [s.dim])]);
  };

  // Inputs of the contract.
  const latents = g.input('latents', fp, [1, 'frames', s.channels, s.height, s.width]);
  const timesteps = g.input('timesteps', 'float', [1, 'frames']);
  const context = g.input('context', fp, [1, s.textLength, s.textDim]);
  const positions = g.input('frame_positions', 'float', ['frames']);
  const cacheBias = g.input('cache_bias', 'float', [s.slots]);

  // Patch embedding: (1,2,2) patches of 16 channels -> dim, as the Conv3d with kernel = stride does.
  const patches = g.op('Transpose', [g.op('Reshape', [latents, ints([-1, s.channels, hp, 2, wp, 2])])], {
    perm: [0, 2, 4, 1, 3, 5],
  });
  let x = lin(g.op('Reshape', [patches, ints([-1, s.channels * 4])]), 'patch_embedding', s.channels * 4, s.dim);

  // Time: sinusoidal embedding of each frame's timestep (cos half first), MLP, projection to 6 modulations.
  const half = 128;
  const freqs = g.floats(
    'time_freqs',
    [1, half],
    Float32Array.from({ length: half }, (_, i) => 10000 ** (-i / half)),
  );
  const angles = g.op('Mul', [g.op('Reshape', [timesteps, ints([-1, 1])]), freqs]);
  const sinusoid = toFp(g.op('Concat', [g.op('Cos', [angles]), g.op('Sin', [angles])], { axis: { int: 1 } }));
  const e = lin(silu(lin(sinusoid, 'time_embedding.0', 256, s.dim)), 'time_embedding.2', s.dim, s.dim);
  const e0 = g.op('Reshape', [lin(silu(e), 'time_projection.1', s.dim, 6 * s.dim), ints([-1, 6, s.dim])]);

  // Text: Linear -> GELU(tanh) -> Linear over the 512 tokens.
  const ctx0 = g.op('Reshape', [context, ints([s.textLength, s.textDim])]);
  const ctx = lin(gelu(lin(ctx0, 'text_embedding.0', s.textDim, s.dim)), 'text_embedding.2', s.dim, s.dim);

  // RoPE angles per token: time from the frame positions, height and width from the grid.
  const [pt, ph, pw] = ropeSplit(dh);
  const tAngles = g.op('Mul', [
    g.op('Reshape', [positions, ints([-1, 1, 1, 1])]),
    g.floats('rope_t', [1, 1, 1, pt], ropeFrequencies(2 * pt)),
  ]);
  const grid = (count: number, pairs: number, name: string, shape: number[]) =>
    g.floats(
      name,
      shape,
      Float32Array.from(
        { length: count * pairs },
        (_, i) => Math.floor(i / pairs) * ropeFrequencies(2 * pairs)[i % pairs]!,
      ),
    );
  const shapeOf = (pairs: number) =>
    g.op('Concat', [g.op('Shape', [positions]), ints([hp, wp, pairs])], { axis: { int: 0 } });
  const rope = g.op(
    'Concat',
    [
      g.op('Expand', [tAngles, shapeOf(pt)]),
      g.op('Expand', [grid(hp, ph, 'rope_h', [1, hp, 1, ph]), shapeOf(ph)]),
      g.op('Expand', [grid(wp, pw, 'rope_w', [1, 1, wp, pw]), shapeOf(pw)]),
    ],
    { axis: { int: 3 } },
  );
  const ropeFlat = g.op('Reshape', [rope, ints([-1, 1, dh / 2, 1])]);
  const cos = toFp(g.op('Cos', [ropeFlat]));
  const sin = toFp(g.op('Sin', [ropeFlat]));
  const applyRope = (v: string) => {
    const pairs = g.op('Reshape', [v, ints([-1, s.heads, dh / 2, 2])]);
    const re = g.op('Slice', [pairs, ints([0]), ints([1]), ints([3])]);
    const im = g.op('Slice', [pairs, ints([1]), ints([2]), ints([3])]);
    const outRe = g.op('Sub', [g.op('Mul', [re, cos]), g.op('Mul', [im, sin])]);
    const outIm = g.op('Add', [g.op('Mul', [re, sin]), g.op('Mul', [im, cos])]);
    return g.op('Reshape', [g.op('Concat', [outRe, outIm], { axis: { int: 3 } }), ints([-1, s.heads, dh])]);
  };

  // Key bias: each cache slot's bias over its tokens, then 0 for the block's own tokens.
  const slotBias = g.op('Reshape', [
    g.op('Expand', [g.op('Reshape', [cacheBias, ints([s.slots, 1])]), ints([s.slots, T])]),
    ints([1, 1, -1]),
  ]);
  const tokenCount = g.op('Slice', [g.op('Shape', [x]), ints([0]), ints([1]), ints([0])]);
  const ownBias = g.op('ConstantOfShape', [g.op('Concat', [ints([1, 1]), tokenCount], { axis: { int: 0 } })]);
  const keyBias = toFp(g.op('Concat', [slotBias, ownBias], { axis: { int: 2 } }));

  const groups = Math.ceil(s.heads / s.headsPerGroup);
  const attend = (q: string, k: string, v: string, bias: string | undefined) => {
    // q [Nq, H, dh], k and v [Nk, H, dh] -> [Nq, dim]; heads in groups so that one score buffer stays bounded.
    const qh = g.op('Mul', [g.op('Transpose', [q], { perm: [1, 0, 2] }), w.scalar(1 / Math.sqrt(dh))]);
    const kt = g.op('Transpose', [k], { perm: [1, 2, 0] });
    const vh = g.op('Transpose', [v], { perm: [1, 0, 2] });
    const split = ints(new Array<number>(groups).fill(s.headsPerGroup).map((h, i) => Math.min(h, s.heads - i * h)));
    const qs = groups > 1 ? splitOut(g, qh, split, groups) : [qh];
    const ks = groups > 1 ? splitOut(g, kt, split, groups) : [kt];
    const vs = groups > 1 ? splitOut(g, vh, split, groups) : [vh];
    const outs = qs.map((qg, i) => {
      let scores = g.op('MatMul', [qg, ks[i]!]);
      if (bias) scores = g.op('Add', [scores, bias]);
      return g.op('MatMul', [g.op('Softmax', [scores], { axis: { int: -1 } }), vs[i]!]);
    });
    const joined = outs.length > 1 ? g.op('Concat', outs, { axis: { int: 0 } }) : outs[0]!;
    return g.op('Reshape', [g.op('Transpose', [joined], { perm: [1, 0, 2] }), ints([-1, s.dim])]);
  };
  const perFrame = (v: string) => g.op('Reshape', [v, ints([-1, T, s.dim])]);
  const flat = (v: string) => g.op('Reshape', [v, ints([-1, s.dim])]);
  const heads = (v: string) => g.op('Reshape', [v, ints([-1, s.heads, dh])]);
  const cacheShape = ints([-1, s.heads, dh]);
  const fresh = ints([1, -1, T, s.heads, dh]);

  for (let l = 0; l < s.layers; l++) {
    const p = `blocks.${l}`;
    const mod = g.op('Add', [w.normal(`${p}.modulation`, [1, 6, s.dim], 1 / Math.sqrt(s.dim)), e0]);
    const m = splitOut(g, mod, ints([1, 1, 1, 1, 1, 1]), 6, 1);
    const xf = perFrame(x);
    const y = flat(
      g.op('Add', [g.op('Mul', [layerNorm(xf, `${p}.norm1`, false), g.op('Add', [m[1]!, w.scalar(1)])]), m[0]!]),
    );
    const q = applyRope(heads(rmsNorm(lin(y, `${p}.self_attn.q`, s.dim, s.dim), `${p}.self_attn.norm_q`)));
    const k = applyRope(heads(rmsNorm(lin(y, `${p}.self_attn.k`, s.dim, s.dim), `${p}.self_attn.norm_k`)));
    const v = heads(lin(y, `${p}.self_attn.v`, s.dim, s.dim));
    g.output(g.op('Reshape', [k, fresh]), newKey(l), fp, [1, 'frames', T, s.heads, dh]);
    g.output(g.op('Reshape', [v, fresh]), newValue(l), fp, [1, 'frames', T, s.heads, dh]);
    const ck = g.op('Reshape', [g.input(cacheKey(l), fp, [1, s.slots, T, s.heads, dh]), cacheShape]);
    const cv = g.op('Reshape', [g.input(cacheValue(l), fp, [1, s.slots, T, s.heads, dh]), cacheShape]);
    const keys = g.op('Concat', [ck, k], { axis: { int: 0 } });
    const values = g.op('Concat', [cv, v], { axis: { int: 0 } });
    const selfOut = lin(attend(q, keys, values, keyBias), `${p}.self_attn.o`, s.dim, s.dim);
    x = flat(g.op('Add', [xf, g.op('Mul', [perFrame(selfOut), m[2]!])]));

    const y3 = layerNorm(x, `${p}.norm3`, true);
    const cq = heads(rmsNorm(lin(y3, `${p}.cross_attn.q`, s.dim, s.dim), `${p}.cross_attn.norm_q`));
    const ckk = heads(rmsNorm(lin(ctx, `${p}.cross_attn.k`, s.dim, s.dim), `${p}.cross_attn.norm_k`));
    const cvv = heads(lin(ctx, `${p}.cross_attn.v`, s.dim, s.dim));
    x = g.op('Add', [x, lin(attend(cq, ckk, cvv, undefined), `${p}.cross_attn.o`, s.dim, s.dim)]);

    const xf2 = perFrame(x);
    const y2 = flat(
      g.op('Add', [g.op('Mul', [layerNorm(xf2, `${p}.norm2`, false), g.op('Add', [m[4]!, w.scalar(1)])]), m[3]!]),
    );
    const ffn = lin(gelu(lin(y2, `${p}.ffn.0`, s.dim, s.ffn)), `${p}.ffn.2`, s.ffn, s.dim);
    x = flat(g.op('Add', [xf2, g.op('Mul', [perFrame(ffn), m[5]!])]));
  }

  // Head: LayerNorm modulated by (head.modulation + e), Linear to 2·2·16, unpatchified back to latents.
  const hm = g.op('Add', [
    w.normal('head.modulation', [1, 2, s.dim], 1 / Math.sqrt(s.dim)),
    g.op('Reshape', [e, ints([-1, 1, s.dim])]),
  ]);
  const [shift, scale] = splitOut(g, hm, ints([1, 1]), 2, 1);
  const yh = flat(
    g.op('Add', [
      g.op('Mul', [layerNorm(perFrame(x), 'head.norm', false), g.op('Add', [scale!, w.scalar(1)])]),
      shift!,
    ]),
  );
  const out = lin(yh, 'head.head', s.dim, 4 * s.channels);
  const grid6 = g.op('Reshape', [out, ints([-1, hp, wp, 2, 2, s.channels])]);
  const unpatched = g.op('Transpose', [grid6], { perm: [0, 5, 1, 3, 2, 4] });
  g.output(g.op('Reshape', [unpatched, ints([1, -1, s.channels, s.height, s.width])]), 'flow', fp, [
    1,
    'frames',
    s.channels,
    s.height,
    s.width,
  ]);
  return g.toBytes();
}

/** The outputs of a Split into `count` parts along `axis`. */
function splitOut(g: GraphBuilder, x: string, sizes: string, count: number, axis = 0): string[] {
  const first = g.op('Split', [x, sizes], { axis: { int: axis } }, count);
  return Array.from({ length: count }, (_, i) => (i === 0 ? first : `${first}_${i}`));
}
