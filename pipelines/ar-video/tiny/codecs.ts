/**
 * Tiny closed-form stand-ins for the text encoder and the streaming VAE of the ar-video contract. Every value is
 * computed with single correctly-rounded operations (no reductions over inexact values), so the CPU and WebGPU
 * execution providers give identical bits.
 *
 * - text encoder: context[0, i, d] = table[ids[i], d]·mask[i] (table entries are multiples of 1/8)
 * - decoder (steady, 1 latent -> 4 frames, trim 3 at the start): frame j = prev + (cur - prev)·(j+1)/4 on
 *   latent channels 0..2, each latent pixel spread over 8×8 pixels; the state is the previous latent frame
 * - encoder, first chunk (1 frame): latent channels 0..2 = the frame sampled at the top-left of each 8×8 cell,
 *   channel 3 = 0; steady chunks (4 frames): the last frame sampled so, channel 3 = (its red - the previous
 *   chunk's red)·0.5; the state is the last chunk's sample
 */
import { GraphBuilder } from '../../../src/runtime/graph-builder';

export interface TinyCodecShape {
  channels: number;
  /** Latent size; pixels are 8× larger. */
  height: number;
  width: number;
  textLength: number;
  textDim: number;
  vocabSize: number;
}

/** The tiny text embedding table, [vocab, dim], multiples of 1/8 in [-1, 1]. */
export function tinyTextTable(vocabSize: number, dim: number): Float32Array {
  return Float32Array.from({ length: vocabSize * dim }, (_, i) => (((i * 37 + 11) % 17) - 8) / 8);
}

export function buildTinyTextEncoder(s: TinyCodecShape): Uint8Array {
  const g = new GraphBuilder('tiny_ar_text_encoder');
  const ids = g.input('input_ids', 'int64', [1, s.textLength]);
  const mask = g.input('attention_mask', 'int64', [1, s.textLength]);
  const table = g.floats('table', [s.vocabSize, s.textDim], tinyTextTable(s.vocabSize, s.textDim));
  const embedded = g.op('Gather', [table, ids], { axis: { int: 0 } });
  const m = g.op('Unsqueeze', [g.op('Cast', [mask], { to: { int: 1 } }), g.int64s('last', [2])]);
  g.output(g.op('Mul', [embedded, m]), 'context', 'float', [1, s.textLength, s.textDim]);
  return g.toBytes();
}

/** Nearest 8× upsampling of [..., h, w] by Expand and Reshape (no Resize: its WebGPU kernel is axis-sensitive). */
function upsample8(g: GraphBuilder, x: string, lead: number[], h: number, w: number): string {
  const cells = g.op('Reshape', [x, g.int64s(`${x}_cells`, [...lead, h, 1, w, 1])]);
  const spread = g.op('Expand', [cells, g.int64s(`${x}_spread`, [...lead, h, 8, w, 8])]);
  return g.op('Reshape', [spread, g.int64s(`${x}_px`, [...lead, h * 8, w * 8])]);
}

export function buildTinyDecoder(s: TinyCodecShape): Uint8Array {
  const g = new GraphBuilder('tiny_ar_decoder');
  const latent = [1, 1, s.channels, s.height, s.width];
  const cur = g.input('latents', 'float', latent);
  const prev = g.input('state_in.previous', 'float', latent);
  const rgb = (x: string) =>
    g.op('Slice', [x, g.int64s(`${x}_b`, [0]), g.int64s(`${x}_e`, [3]), g.int64s(`${x}_a`, [2])]);
  const from = rgb(prev);
  const step = g.op('Sub', [rgb(cur), from]);
  // [1, 4, 1, 1, 1] weights (j+1)/4 against [1, 1, 3, h, w]: four frames in one broadcast.
  const weights = g.floats('weights', [1, 4, 1, 1, 1], [0.25, 0.5, 0.75, 1]);
  const frames = g.op('Add', [from, g.op('Mul', [step, weights])]);
  g.output(upsample8(g, frames, [1, 4, 3], s.height, s.width), 'frames', 'float', [1, 4, 3, s.height * 8, s.width * 8]);
  g.output(g.op('Identity', [cur]), 'state_out.previous', 'float', latent);
  return g.toBytes();
}

function sample(g: GraphBuilder, frames: string, frame: number, s: TinyCodecShape): string {
  // The top-left pixel of each 8×8 cell of one frame: [1, 1, 3, h, w].
  const ints = (n: string, v: number[]) => g.int64s(`${frames}_${frame}_${n}`, v);
  return g.op('Slice', [
    frames,
    ints('b', [frame, 0, 0]),
    ints('e', [frame + 1, s.height * 8, s.width * 8]),
    ints('a', [1, 3, 4]),
    ints('s', [1, 8, 8]),
  ]);
}

export function buildTinyEncoder(s: TinyCodecShape, first: boolean): Uint8Array {
  const g = new GraphBuilder(first ? 'tiny_ar_encoder_first' : 'tiny_ar_encoder');
  const count = first ? 1 : 4;
  const frames = g.input('frames', 'float', [1, count, 3, s.height * 8, s.width * 8]);
  const cell = [1, 1, 3, s.height, s.width];
  const now = sample(g, frames, count - 1, s);
  const red = (x: string) =>
    g.op('Slice', [x, g.int64s(`${x}_rb`, [0]), g.int64s(`${x}_re`, [1]), g.int64s(`${x}_ra`, [2])]);
  let motion: string;
  if (first) {
    motion = g.op('Mul', [red(now), g.scalar(0)]);
  } else {
    const prev = g.input('state_in.sample', 'float', cell);
    motion = g.op('Mul', [g.op('Sub', [red(now), red(prev)]), g.scalar(0.5)]);
  }
  const latent = g.op('Concat', [now, motion], { axis: { int: 2 } });
  g.output(latent, 'latents', 'float', [1, 1, s.channels, s.height, s.width]);
  g.output(g.op('Identity', [now]), 'state_out.sample', 'float', cell);
  return g.toBytes();
}
