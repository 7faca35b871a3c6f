/**
 * Tiny UNet blocks in the operator shapes of the two SD-Turbo exports a user can download, with the same weights
 * and the UNet's tensor names (`sample`, `timestep` int64, `encoder_hidden_states` -> `out_sample`):
 *
 * - `olive-cuda`: as onnxruntime's transformer optimizer writes the CUDA export (Olive `--provider cuda`):
 *   activations NHWC between one transpose in and one out, com.microsoft NhwcConv (weights transposed to
 *   [M, kH, kW, C] ahead of time, or by a Transpose node), GroupNorm with channels_last 1 and activation 1 where a
 *   SiLU follows, SkipGroupNorm for the residual add, MultiHeadAttention with packed QKV (self-attention) and
 *   packed KV (cross-attention), BiasAdd and BiasSplitGelu.
 * - `webgpu-ready`: the same maths in NCHW with operators the WebGPU provider runs: Conv, GroupNorm as Reshape +
 *   InstanceNormalization, attention as MatMul/Softmax, GEGLU with Erf. Its op set was not read from the
 *   schmuell/sd-turbo-ort-web files; it stands for "an export WebGPU runs whole".
 *
 * One block: conv_in, a ResNet block, self- and cross-attention with a GEGLU feed-forward, norm and conv_out.
 */
import { GraphBuilder } from '../../../src/runtime/graph-builder';
import { withContribOps } from '../../../src/runtime/graph/contrib-graph';
import { mulberry32 } from '../../../src/runtime/seeded-random';

export type ExportShape = 'olive-cuda' | 'webgpu-ready';

export const BLOCK = { channels: 8, groups: 4, heads: 2, context: 6, ff: 8, height: 4, width: 4 } as const;
const { channels: C, groups: G, heads, context: T, ff: F, height: H, width: W } = BLOCK;

export const contribOps = ['NhwcConv', 'GroupNorm', 'SkipGroupNorm', 'MultiHeadAttention', 'BiasAdd', 'BiasSplitGelu'];

/** [M, C, kH, kW] → [M, kH, kW, C], as the optimizer stores NhwcConv weights when it updates them. */
function toNhwc(data: Float32Array, [m, c, kh, kw]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let o = 0; o < m!; o++)
    for (let i = 0; i < c!; i++)
      for (let y = 0; y < kh!; y++)
        for (let x = 0; x < kw!; x++)
          out[((o * kh! + y) * kw! + x) * c! + i] = data[((o * c! + i) * kh! + y) * kw! + x]!;
  return out;
}

export function buildExportBlock(shape: ExportShape, seed = 11): Uint8Array {
  const olive = shape === 'olive-cuda';
  const g = new GraphBuilder(`tiny_unet_${shape}`);
  const random = mulberry32(seed);
  const values = (dims: number[], scale: number) =>
    Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * scale);
  const weight = (name: string, dims: number[]) => g.floats(name, dims, values(dims, 1 / Math.sqrt(dims[0]!)));
  const vector = (name: string, n: number, around: number) =>
    g.floats(
      name,
      [n],
      Float32Array.from(values([n], 0.2), (v) => v + around),
    );

  /** A convolution of NCHW-shaped weights [m, c, k, k]; Olive's takes the layout it is in (NHWC). */
  const conv = (x: string, name: string, m: number, c: number, k: number, bias: boolean, viaNode = false) => {
    const dims = [m, c, k, k];
    const data = values(dims, 1 / Math.sqrt(c * k * k));
    const b = bias ? [vector(`${name}.bias`, m, 0)] : [];
    const attrs = { pads: new Array<number>(4).fill((k - 1) / 2), kernel_shape: [k, k] };
    if (!olive) return g.op('Conv', [x, g.floats(`${name}.weight`, dims, data), ...b], attrs);
    const w = viaNode
      ? g.op('Transpose', [g.floats(`${name}.weight`, dims, data)], { perm: [0, 2, 3, 1] })
      : g.floats(`${name}.weight_NHWC`, [m, k, k, c], toNhwc(data, dims));
    return g.op('NhwcConv', [x, w, ...b], attrs);
  };

  /** GroupNorm (+ SiLU): Olive's contrib op, or the exporters' Reshape + InstanceNormalization. */
  const groupNorm = (x: string, name: string, silu: boolean) => {
    const gamma = vector(`${name}.weight`, C, 1);
    const beta = vector(`${name}.bias`, C, 0);
    if (olive)
      return g.op('GroupNorm', [x, gamma, beta], {
        groups: { int: G },
        epsilon: 1e-5,
        activation: { int: silu ? 1 : 0 },
        channels_last: { int: 1 },
      });
    const grouped = g.op('Reshape', [x, g.int64s(`${name}.grouped`, [0, G, -1])]);
    const ones = g.floats(`${name}.ones`, [G], new Array<number>(G).fill(1));
    const zeros = g.floats(`${name}.zeros`, [G], new Array<number>(G).fill(0));
    const normed = g.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: 1e-5 });
    const back = g.op('Reshape', [normed, g.int64s(`${name}.shape`, [1, C, H, W])]);
    const column = g.int64s(`${name}.column`, [C, 1, 1]);
    const y = g.op('Add', [g.op('Mul', [back, g.op('Reshape', [gamma, column])]), g.op('Reshape', [beta, column])]);
    return silu ? g.op('Mul', [y, g.op('Sigmoid', [y])]) : y;
  };

  /** Attention in plain operators (the WebGPU-shaped graph): q [1, S, C] over k, v [1, S', C]. */
  let attentions = 0;
  const plainAttention = (q: string, k: string, v: string) => {
    const a = attentions++;
    const split = (x: string, n: string) =>
      g.op('Transpose', [g.op('Reshape', [x, g.int64s(`${n}.heads${a}`, [1, -1, heads, C / heads])])], {
        perm: [0, 2, 1, 3],
      });
    const scores = g.op('MatMul', [split(q, 'q'), g.op('Transpose', [split(k, 'k')], { perm: [0, 1, 3, 2] })]);
    const p = g.op('Softmax', [g.op('Mul', [scores, g.scalar(1 / Math.sqrt(C / heads))])], { axis: { int: -1 } });
    const merged = g.op('Transpose', [g.op('MatMul', [p, split(v, 'v')])], { perm: [0, 2, 1, 3] });
    return g.op('Reshape', [merged, g.int64s(`merge.heads${a}`, [1, -1, C])]);
  };

  /**
   * Projection weights [C, C] of q, k, v packed as the optimizer packs them: [C, N·parts·H], so that reshaping the
   * product to [B, L, N, parts, H] gives each head its q, k (and v) side by side.
   */
  const packed = (ws: Float32Array[]) => {
    const parts = ws.length;
    const headDim = C / heads;
    const out = new Float32Array(C * parts * C);
    for (let r = 0; r < C; r++)
      for (let n = 0; n < heads; n++)
        for (let j = 0; j < parts; j++)
          for (let h = 0; h < headDim; h++)
            out[r * parts * C + (n * parts + j) * headDim + h] = ws[j]![r * C + n * headDim + h]!;
    return out;
  };
  const projection = () => values([C, C], 1 / Math.sqrt(C));

  /**
   * Attention of `x` over `context` (itself for self-attention) with its output projection. Olive's writes one
   * MultiHeadAttention with packed QKV (self) or packed KV (cross), as the optimizer's packed-QKV/KV fusions do.
   */
  const attentionBlock = (name: string, x: string, context: string | undefined) => {
    const [wq, wk, wv, wo] = [projection(), projection(), projection(), projection()];
    const matmul = (v: string, w: string) => g.op('MatMul', [v, w]);
    let a: string;
    if (!olive) {
      const ctx = context ?? x;
      a = plainAttention(
        matmul(x, g.floats(`${name}.q`, [C, C], wq)),
        matmul(ctx, g.floats(`${name}.k`, [C, C], wk)),
        matmul(ctx, g.floats(`${name}.v`, [C, C], wv)),
      );
    } else if (!context) {
      const qkv = matmul(x, g.floats(`${name}.qkv`, [C, 3 * C], packed([wq, wk, wv])));
      const shaped = g.op('Reshape', [qkv, g.int64s(`${name}.qkv.shape`, [0, 0, heads, 3, C / heads])]);
      a = g.op('MultiHeadAttention', [shaped], { num_heads: { int: heads } });
    } else {
      const q = matmul(x, g.floats(`${name}.q`, [C, C], wq));
      const kv = matmul(context, g.floats(`${name}.kv`, [C, 2 * C], packed([wk, wv])));
      const shaped = g.op('Reshape', [kv, g.int64s(`${name}.kv.shape`, [0, 0, heads, 2, C / heads])]);
      a = g.op('MultiHeadAttention', [q, shaped], { num_heads: { int: heads } });
    }
    return matmul(a, g.floats(`${name}.out`, [C, C], wo));
  };

  /** x + y + bias: Olive's BiasAdd, or two Adds. */
  const biasAdd = (y: string, bias: string, x: string) =>
    olive ? g.op('BiasAdd', [y, bias, x]) : g.op('Add', [g.op('Add', [y, bias]), x]);

  const sample = g.input('sample', 'float', [1, 4, H, W]);
  const timestep = g.input('timestep', 'int64', [1]);
  const ehs = g.input('encoder_hidden_states', 'float', [1, T, C]);
  const t = g.op('Reshape', [
    g.op('Mul', [g.op('Cast', [timestep], { to: { int: 1 } }), g.scalar(0.001)]),
    g.int64s('t.shape', [1, 1, 1, 1]),
  ]);

  // conv_in and a ResNet block; Olive keeps NHWC from here to conv_out.
  let h = g.op('Add', [
    conv(olive ? g.op('Transpose', [sample], { perm: [0, 2, 3, 1] }) : sample, 'conv_in', C, 4, 3, true),
    t,
  ]);
  const r = conv(groupNorm(h, 'resnet.norm1', true), 'resnet.conv1', C, C, 3, false, true);
  const rBias = vector('resnet.conv1.bias', C, 0);
  let n: string;
  if (olive) {
    const gamma = vector('norm.weight', C, 1);
    const beta = vector('norm.bias', C, 0);
    const attrs = { groups: { int: G }, epsilon: 1e-5, activation: { int: 0 }, channels_last: { int: 1 } };
    n = g.op('SkipGroupNorm', [r, gamma, beta, h, rBias], attrs, 2);
    h = `${n}_1`; // S = r + h + bias, the residual stream
  } else {
    h = g.op('Add', [g.op('Add', [r, g.op('Reshape', [rBias, g.int64s('rbias.column', [C, 1, 1])])]), h]);
    n = groupNorm(h, 'norm', false);
  }

  // Transformer: tokens [1, H·W, C].
  const nhwc = olive ? n : g.op('Transpose', [n], { perm: [0, 2, 3, 1] });
  let x = g.op('Reshape', [nhwc, g.int64s('tokens', [1, H * W, C])]);
  const proj = (v: string, name: string, out: number = C) => g.op('MatMul', [v, weight(name, [C, out])]);
  x = biasAdd(attentionBlock('attn1', x, undefined), vector('attn1.out.bias', C, 0), x);
  x = biasAdd(attentionBlock('attn2', x, ehs), vector('attn2.out.bias', C, 0), x);
  const geglu = proj(x, 'ff.in', 2 * F);
  const ffBias = vector('ff.in.bias', 2 * F, 0);
  let gated: string;
  if (olive) gated = g.op('BiasSplitGelu', [geglu, ffBias]);
  else {
    const a = g.op('Add', [geglu, ffBias]);
    const left = g.op('Slice', [a, g.int64s('ff.l0', [0]), g.int64s('ff.l1', [F]), g.int64s('ff.axis', [2])]);
    const right = g.op('Slice', [a, g.int64s('ff.r0', [F]), g.int64s('ff.r1', [2 * F]), 'ff.axis']);
    const erf = g.op('Erf', [g.op('Mul', [right, g.scalar(Math.SQRT1_2)])]);
    gated = g.op('Mul', [left, g.op('Mul', [g.op('Mul', [right, g.scalar(0.5)]), g.op('Add', [erf, g.scalar(1)])])]);
  }
  x = g.op('Add', [g.op('MatMul', [gated, weight('ff.out', [F, C])]), x]);

  // Back to the image, plus the residual stream; norm_out, SiLU, conv_out.
  const spatial = g.op('Reshape', [x, g.int64s('spatial', [1, H, W, C])]);
  h = g.op('Add', [olive ? spatial : g.op('Transpose', [spatial], { perm: [0, 3, 1, 2] }), h]);
  const out = conv(groupNorm(h, 'norm_out', true), 'conv_out', 4, C, 3, true);
  g.output(olive ? g.op('Transpose', [out], { perm: [0, 3, 1, 2] }) : out, 'out_sample', 'float', [1, 4, H, W]);
  const bytes = g.toBytes();
  return olive ? withContribOps(bytes, contribOps) : bytes;
}
