import { GraphBuilder } from '../../../src/runtime/graph-builder';
import type { ElemType } from '../../../src/runtime/graph-builder';
import { gaussian, mulberry32 } from '../../../src/runtime/seeded-random';
import { CONTEXT_LENGTH } from '../clip-tokenizer';
import { dimNames, tensorName, tinyNamings } from './export-naming';
import type { TinyNaming } from './export-naming';

/** Sizes and seeded weights of the tiny stand-ins; the TS references below compute the same functions. */
export interface TinyWeights {
  vocabSize: number;
  /** Width of the text embeddings (1024 in SD 2.1, 768 + 1280 in SDXL). */
  dim: number;
  /** Token embedding table [vocab, dim] and position embeddings [77, dim]. */
  table: Float32Array;
  positions: Float32Array;
  /** UNet: ε = k·x + mean_tokens(E)·P + (t/1000)·m (+ text_embeds·Q for the XL layout). */
  k: number;
  m: number;
  P: Float32Array;
  Q: Float32Array;
  /** VAE decoder: 1×1 conv [3, 4] + bias [3], then ×8 nearest upsampling. Encoder: 8×8 mean, 1×1 conv [4, 3]. */
  dec: Float32Array;
  decBias: Float32Array;
  enc: Float32Array;
}

export const TINY_POOLED = 16;
/** The modules of the tiny graphs a tiny LoRA changes, named as in the real exports. */
export const TINY_UNET_MODULE = 'mid_block.attentions.0.transformer_blocks.0.attn2.to_k';
export const TINY_TEXT_MODULE = 'text_model.encoder.layers.0.self_attn.out_proj';

export function tinyWeights(vocabSize: number, dim = 32, seed = 7): TinyWeights {
  const randn = gaussian(mulberry32(seed));
  const fill = (n: number, std: number) => Float32Array.from({ length: n }, () => randn() * std);
  return {
    vocabSize,
    dim,
    table: fill(vocabSize * dim, 1),
    positions: fill(CONTEXT_LENGTH * dim, 0.1),
    k: 0.05,
    m: 0.3,
    P: fill(dim * 4, 1.5),
    Q: fill(TINY_POOLED * 4, 0.5),
    dec: Float32Array.from([0.9, 0.2, -0.3, 0.1, -0.2, 0.8, 0.3, 0, 0.1, -0.4, 0.9, 0.2]),
    decBias: Float32Array.from([0.05, -0.05, 0]),
    enc: Float32Array.from([0.8, 0.1, 0, 0, 0.9, -0.1, 0.2, 0, 0.7, 0.3, 0.3, 0.3]),
  };
}

/**
 * Float graph inputs/outputs are declared float16 when `half` (as fp16 exports do) and cast around the maths;
 * tensor and dimension names are the export's (`naming`).
 */
function io(g: GraphBuilder, half: boolean, graph: string, naming: TinyNaming = tinyNamings.diffusers) {
  const type: ElemType = half ? 'float16' : 'float';
  const name = (n: string) => tensorName(naming, graph, n);
  return {
    naming,
    name,
    dims: (d: (number | string)[]) => dimNames(naming, d),
    input: (n: string, dims: (number | string)[]) => {
      const x = g.input(name(n), type, dimNames(naming, dims));
      return half ? g.op('Cast', [x], { to: { int: 1 } }) : x;
    },
    output: (value: string, n: string, dims: (number | string)[]) =>
      g.output(half ? g.op('Cast', [value], { to: { int: 10 } }) : value, name(n), type, dimNames(naming, dims)),
  };
}

/**
 * Text encoder: input_ids int32 [batch, 77] -> last_hidden_state [batch, 77, dim] = tanh(table[ids] + positions),
 * pooler_output / text_embeds [batch, 16] and hidden_states.0..2 like an encoder run with output_hidden_states.
 */
export function buildTextEncoder(
  w: TinyWeights,
  o: { pooledName?: string; half?: boolean; naming?: TinyNaming } = {},
): Uint8Array {
  const g = new GraphBuilder('tiny_text_encoder');
  const f = io(g, o.half ?? false, 'text_encoder', o.naming);
  const ids = g.input(f.name('input_ids'), f.naming.inputIds, f.dims(['batch', 'tokens']));
  const emb = g.op('Gather', [g.floats('table', [w.vocabSize, w.dim], w.table), ids], { axis: { int: 0 } });
  const pre = g.op('Add', [emb, g.floats('positions', [CONTEXT_LENGTH, w.dim], w.positions)]);
  // An identity projection under a CLIP module's name: exact, and where a tiny LoRA for the text encoder goes.
  const identity = Float32Array.from({ length: w.dim * w.dim }, (_, i) => (i % (w.dim + 1) === 0 ? 1 : 0));
  const projected = g.op('MatMul', [pre, g.floats(`${TINY_TEXT_MODULE}.weight`, [w.dim, w.dim], identity)]);
  const hidden = g.op('Tanh', [projected]);
  const mean = g.op('ReduceMean', [hidden], { axes: [1], keepdims: { int: 0 } });
  const pool = g.floats(
    'pool',
    [w.dim, TINY_POOLED],
    Float32Array.from({ length: w.dim * TINY_POOLED }, (_, i) => ((i * 7) % 5) / 5 - 0.4),
  );
  const dims = ['batch', 'tokens', w.dim];
  f.output(hidden, 'last_hidden_state', dims);
  f.output(g.op('MatMul', [mean, pool]), o.pooledName ?? 'pooler_output', ['batch', TINY_POOLED]);
  // hidden_states.0 = embeddings, .1 = the penultimate layer SDXL reads (here: the same tanh), .2 = last.
  f.output(pre, 'hidden_states.0', dims);
  f.output(g.op('Identity', [hidden]), 'hidden_states.1', dims);
  f.output(g.op('Identity', [hidden]), 'hidden_states.2', dims);
  return g.toBytes();
}

/**
 * Adds inputs and a term to the tiny UNet's ε (the ControlNet variant's residuals, the IP-Adapter's image
 * attention), after the base graph's ops; `chain` applies several in order.
 */
export type UnetExtension = (
  g: GraphBuilder,
  eps: string,
  sample: string,
  input: (name: string, dims: (number | string)[]) => string,
) => string;

/** Several extensions, each on the last one's ε (the UNet for a ControlNet and a reference at once). */
export const chain =
  (...extensions: UnetExtension[]): UnetExtension =>
  (g, eps, sample, input) =>
    extensions.reduce((out, extend) => extend(g, out, sample, input), eps);

/** UNet: sample [b,4,h,w], timestep [b], encoder_hidden_states [b,77,dim] (+ text_embeds, time_ids) -> out_sample. */
export function buildUnet(
  w: TinyWeights,
  o: { xl?: boolean; half?: boolean; batch?: number; naming?: TinyNaming; extend?: UnetExtension } = {},
): Uint8Array {
  const g = new GraphBuilder('tiny_unet');
  const f = io(g, o.half ?? false, 'unet', o.naming);
  // A number declares a fixed batch, as exports for static-shape engines do.
  const batch = o.batch ?? 'batch';
  const sample = f.input('sample', [batch, 'unet_channels', 'height', 'width']);
  // An integer timestep (the WebGPU-ready export's int64) is cast to float inside, as the real UNets do.
  const t =
    f.naming.timestep === 'float'
      ? f.input('timestep', [batch])
      : g.op('Cast', [g.input(f.name('timestep'), f.naming.timestep, f.dims([batch]))], { to: { int: 1 } });
  const ehs = f.input('encoder_hidden_states', [batch, 'tokens', w.dim]);
  const column = g.int64s('column', [-1, 4, 1, 1]);
  const meanE = g.op('ReduceMean', [ehs], { axes: [1], keepdims: { int: 0 } });
  // P under the name of a cross-attention projection of the text, where a tiny LoRA for the UNet goes.
  let bias = g.op('MatMul', [meanE, g.floats(`${TINY_UNET_MODULE}.weight`, [w.dim, 4], w.P)]);
  if (o.xl) {
    const textEmbeds = f.input('text_embeds', [batch, TINY_POOLED]);
    f.input('time_ids', [batch, 6]);
    bias = g.op('Add', [bias, g.op('MatMul', [textEmbeds, g.floats('Q', [TINY_POOLED, 4], w.Q)])]);
  }
  const tCol = g.op('Reshape', [g.op('Mul', [t, g.scalar(w.m / 1000)]), g.int64s('t_shape', [-1, 1, 1, 1])]);
  const eps = g.op('Add', [g.op('Add', [g.op('Mul', [sample, g.scalar(w.k)]), g.op('Reshape', [bias, column])]), tCol]);
  f.output(o.extend ? o.extend(g, eps, sample, f.input) : eps, 'out_sample', [
    batch,
    'unet_channels',
    'height',
    'width',
  ]);
  return g.toBytes();
}

/** VAE decoder: latent_sample [b,4,h,w] -> sample [b,3,8h,8w]. */
export function buildVaeDecoder(w: TinyWeights, o: { half?: boolean; naming?: TinyNaming } = {}): Uint8Array {
  const g = new GraphBuilder('tiny_vae_decoder');
  const f = io(g, o.half ?? false, 'vae_decoder', o.naming);
  const z = f.input('latent_sample', ['batch', 'latent_channels', 'latent_height', 'latent_width']);
  const rgb = g.op('Conv', [z, g.floats('dec', [3, 4, 1, 1], w.dec), g.floats('dec_bias', [3], w.decBias)]);
  const up = g.op('Resize', [rgb, '', g.floats('scales', [4], [1, 1, 8, 8])], { mode: 'nearest' });
  f.output(up, 'sample', ['batch', 'image_channels', 'height', 'width']);
  return g.toBytes();
}

/** VAE encoder: sample [b,3,H,W] -> latent_sample [b,4,H/8,W/8]. */
export function buildVaeEncoder(w: TinyWeights, o: { half?: boolean; naming?: TinyNaming } = {}): Uint8Array {
  const g = new GraphBuilder('tiny_vae_encoder');
  const f = io(g, o.half ?? false, 'vae_encoder', o.naming);
  const x = f.input('sample', ['batch', 'image_channels', 'height', 'width']);
  const pooled = g.op('AveragePool', [x], { kernel_shape: [8, 8], strides: [8, 8] });
  const z = g.op('Conv', [pooled, g.floats('enc', [4, 3, 1, 1], w.enc)]);
  f.output(z, 'latent_sample', ['batch', 'latent_channels', 'latent_height', 'latent_width']);
  return g.toBytes();
}
