/**
 * Tiny stand-ins of the IP-Adapter networks, with the real exports' tensor names: an image encoder in the layout of
 * CLIPVisionModelWithProjection (pixel_values [b,3,224,224] -> image_embeds [b,E]) and a UNet whose cross-attention
 * is decoupled as IP-Adapter's is. The UNet projects the image embeddings to N extra tokens inside (ImageProjModel:
 * a Linear to N·dim, then LayerNorm, as diffusers' encoder_hid_proj does in an exported UNet), attends to them with
 * their own keys and values (to_k_ip, to_v_ip), and adds ip_adapter_scale times that attention to the text branch.
 * The text branch is the tiny UNet's own (tiny/graphs.ts buildUnet, same weights), so at scale 0 the output is the
 * base UNet's, value for value; the same term extends the tiny ControlNet UNet (controlnet/tiny-controlnet.ts).
 */
import { GraphBuilder } from '../../../src/runtime/graph-builder';
import { gaussian, mulberry32 } from '../../../src/runtime/seeded-random';
import { buildUnet } from '../tiny/graphs';
import type { TinyWeights, UnetExtension } from '../tiny/graphs';

/** The encoder's input size: CLIP's 224×224. */
export const CLIP_SIZE = 224;

/** Sizes and seeded weights of the tiny adapter. */
export interface TinyIpWeights {
  /** Width of image_embeds (1024 for ViT-H/14, 1280 for ViT-bigG/14). */
  embed: number;
  /** Extra tokens (clip_extra_context_tokens: 4 for the base IP-Adapter). */
  tokens: number;
  /** Query/key width of the tiny attention. */
  inner: number;
  /** Encoder: 56×56 mean pooling to [3,4,4], then [48, embed]. */
  enc: Float32Array;
  /** Projection [embed, tokens·dim] + bias, LayerNorm γ, β [dim]. */
  proj: Float32Array;
  projBias: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  /** to_q on the latent [4, inner], to_k_ip [dim, inner], to_v_ip [dim, 4] (to_out folded in). */
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
}

const POOLED = 3 * 4 * 4;

export function tinyIpWeights(dim: number, seed = 17): TinyIpWeights {
  const randn = gaussian(mulberry32(seed));
  const fill = (n: number, std: number, mean = 0) => Float32Array.from({ length: n }, () => mean + randn() * std);
  const embed = 16;
  const tokens = 4;
  const inner = 8;
  return {
    embed,
    tokens,
    inner,
    enc: fill(POOLED * embed, 0.6),
    proj: fill(embed * tokens * dim, 0.4),
    projBias: fill(tokens * dim, 0.1),
    gamma: fill(dim, 0.1, 1),
    beta: fill(dim, 0.05),
    q: fill(4 * inner, 1),
    k: fill(dim * inner, 0.5),
    v: fill(dim * 4, 0.08),
  };
}

/** pixel_values [batch,3,224,224] (CLIP-normalised) -> image_embeds [batch, embed] = tanh(pool56(x) · enc). */
export function buildTinyImageEncoder(w: TinyIpWeights): Uint8Array {
  const g = new GraphBuilder('tiny_image_encoder');
  const x = g.input('pixel_values', 'float', ['batch', 3, CLIP_SIZE, CLIP_SIZE]);
  const pooled = g.op('AveragePool', [x], { kernel_shape: [56, 56], strides: [56, 56] });
  const flat = g.op('Reshape', [pooled, g.int64s('flat', [-1, POOLED])]);
  const embeds = g.op('Tanh', [g.op('MatMul', [flat, g.floats('enc', [POOLED, w.embed], w.enc)])]);
  g.output(embeds, 'image_embeds', 'float', ['batch', w.embed]);
  return g.toBytes();
}

/**
 * The IP-Adapter's inputs and term on the tiny UNet's ε: image_embeds [b,embed], ip_adapter_scale [1] ->
 * ε + scale · attention(q(sample), k_ip(tokens), v_ip(tokens)). The tiny UNet's `dim` is its context width.
 */
export function ipExtension(dim: number, w: TinyIpWeights): UnetExtension {
  return (g, eps, sample, input) => {
    const embeds = input('image_embeds', ['batch', w.embed]);
    const scale = input('ip_adapter_scale', [1]);
    // ImageProjModel: [b, embed] -> [b, N, dim], LayerNorm over dim.
    const projected = g.op('Add', [
      g.op('MatMul', [embeds, g.floats('image_proj', [w.embed, w.tokens * dim], w.proj)]),
      g.floats('image_proj_bias', [w.tokens * dim], w.projBias),
    ]);
    const tokens = g.op(
      'LayerNormalization',
      [
        g.op('Reshape', [projected, g.int64s('tokens_shape', [-1, w.tokens, dim])]),
        g.floats('norm_weight', [dim], w.gamma),
        g.floats('norm_bias', [dim], w.beta),
      ],
      { axis: { int: -1 } },
    );
    // The image branch of the decoupled cross-attention: queries from the latent, keys and values from the tokens.
    const seq = g.op('Transpose', [g.op('Reshape', [sample, g.int64s('seq_shape', [0, 4, -1])])], { perm: [0, 2, 1] });
    const q = g.op('MatMul', [seq, g.floats('to_q', [4, w.inner], w.q)]);
    const k = g.op('MatMul', [tokens, g.floats('to_k_ip', [dim, w.inner], w.k)]);
    const v = g.op('MatMul', [tokens, g.floats('to_v_ip', [dim, 4], w.v)]);
    const scores = g.op('Mul', [
      g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 2, 1] })]),
      g.scalar(1 / Math.sqrt(w.inner)),
    ]);
    const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: { int: -1 } }), v]);
    const image = g.op('Reshape', [g.op('Transpose', [attended], { perm: [0, 2, 1] }), g.op('Shape', [sample])]);
    return g.op('Add', [eps, g.op('Mul', [image, scale])]);
  };
}

/**
 * sample [b,4,h,w], timestep [b], encoder_hidden_states [b,77,dim] (+ text_embeds, time_ids), image_embeds
 * [b,embed], ip_adapter_scale [1] -> out_sample = base(sample, t, E) + scale · image attention. The base is the
 * tiny UNet itself (tiny/graphs.ts buildUnet), so scale 0 gives its output value for value.
 */
export function buildTinyIpUnet(
  base: TinyWeights,
  w: TinyIpWeights,
  o: { batch?: number; xl?: boolean } = {},
): Uint8Array {
  return buildUnet(base, { ...o, extend: ipExtension(base.dim, w) });
}
