/**
 * The tiny block graph: the block contract's inputs and outputs, with a closed-form body whose every value is a
 * small dyadic number, so that its outputs are exact on any execution provider and a test can predict them.
 *
 * Per layer l (heads 1, head_dim 2, tokens T per frame), for frame f of the block:
 *   new_k.l[f, t] = [position_f, timestep_f / 1024]
 *   new_v.l[f, t] = [context[0,0,0] + l, floor(4·latents[f, 0, 2·ty, 2·tx]) / 4]
 * Readouts of layer l over the visible frames (cache slots weighted by exp(cache_bias), plus the block's own
 * frames), each taken at token 0: A_l = Σ position, C_l = Σ v0, D_l = Σ v1, N = count, Z = cached frames whose
 * timestep component is 0 (committed by a clean pass). The flow, constant over the frame's pixels, is
 *   flow[f] = [A_last / 64, Σ_l 2^l·C_l / 16, position_f / 64 + context[0,0,0], D_last / 8 + N / 16 + Z / 32].
 */
import { GraphBuilder } from '../../../src/runtime/graph-builder';
import { cacheKey, cacheValue, newKey, newValue } from '../contract';

export interface TinyShape {
  channels: number;
  height: number;
  width: number;
  layers: number;
  slots: number;
  textLength: number;
  textDim: number;
}

/** Tokens per latent frame: 2×2 patches. */
export const tinyTokens = (s: Pick<TinyShape, 'height' | 'width'>) => (s.height / 2) * (s.width / 2);

/** The module of the tiny block a tiny LoRA changes, named as in a Wan export. */
export const TINY_BLOCK_MODULE = 'blocks.0.cross_attn.k';

export function buildTinyBlock(s: TinyShape): Uint8Array {
  const g = new GraphBuilder('tiny_ar_block');
  const T = tinyTokens(s);
  const latents = g.input('latents', 'float', [1, 'frames', s.channels, s.height, s.width]);
  const timesteps = g.input('timesteps', 'float', [1, 'frames']);
  // The context through an identity projection under a Wan block's module name: exact, and where a tiny LoRA goes.
  const identity = Float32Array.from({ length: s.textDim * s.textDim }, (_, i) => (i % (s.textDim + 1) === 0 ? 1 : 0));
  const context = g.op('MatMul', [
    g.input('context', 'float', [1, s.textLength, s.textDim]),
    g.floats(`${TINY_BLOCK_MODULE}.weight`, [s.textDim, s.textDim], identity),
  ]);
  const positions = g.input('frame_positions', 'float', ['frames']);
  const bias = g.input('cache_bias', 'float', [s.slots]);
  if (s.channels !== 4) throw new Error('the tiny block has 4 latent channels, one per readout');
  let constants = 0;
  const ints = (v: number[]) => g.int64s(`i${constants++}`, v);
  const slice = (x: string, starts: number[], ends: number[], axes: number[], steps?: number[]) =>
    g.op('Slice', [x, ints(starts), ints(ends), ints(axes), ...(steps ? [ints(steps)] : [])]);
  const perToken = ints([1, 1, T, 1, 1]);
  const frameColumn = ints([1, -1, 1, 1, 1]);
  const spread = (x: string) => g.op('Expand', [g.op('Reshape', [x, frameColumn]), perToken]);

  const position = spread(positions);
  const tfrac = spread(g.op('Mul', [timesteps, g.scalar(1 / 1024)]));
  const key = g.op('Concat', [position, tfrac], { axis: { int: 4 } });
  const ctx0 = g.op('Reshape', [slice(context, [0, 0, 0], [1, 1, 1], [0, 1, 2]), ints([1, 1, 1, 1, 1])]);
  const channel0 = slice(latents, [0, 0, 0], [1, s.height, s.width], [2, 3, 4], [1, 2, 2]);
  const quantised = g.op('Mul', [g.op('Floor', [g.op('Mul', [channel0, g.scalar(4)])]), g.scalar(0.25)]);
  const sampled = g.op('Reshape', [quantised, ints([1, -1, T, 1, 1])]);
  const frameCount = g.op('Cast', [g.op('Shape', [positions])], { to: { int: 1 } });

  // Visible cache slots: weight exp(bias) (1 or 0), as [1, slots] for a MatMul against per-slot values.
  const weights = g.op('Reshape', [g.op('Exp', [bias]), ints([1, -1])]);
  const visible = g.op('ReduceSum', [weights, ints([1])], { keepdims: { int: 0 } });
  const n = g.op('Add', [visible, frameCount]);
  const readout = (cache: string, own: string) => {
    // Token 0 of each cached slot, [slots, 2]; the own frames' token 0, summed over the block.
    const cached = g.op('Reshape', [slice(cache, [0], [1], [2]), ints([s.slots, 2])]);
    const ownSum = g.op('ReduceSum', [slice(own, [0], [1], [2]), ints([0, 1, 2, 3])], {
      keepdims: { int: 0 },
    });
    return { cached, sum: g.op('Add', [g.op('MatMul', [weights, cached]), ownSum]) };
  };

  let cSum = '';
  let last: { a: string; d: string; z: string } | undefined;
  for (let l = 0; l < s.layers; l++) {
    const layerCtx = g.op('Expand', [g.op('Add', [ctx0, g.scalar(l)]), g.op('Shape', [position])]);
    const value = g.op('Concat', [layerCtx, sampled], { axis: { int: 4 } });
    g.output(key, newKey(l), 'float', [1, 'frames', T, 1, 2]);
    g.output(value, newValue(l), 'float', [1, 'frames', T, 1, 2]);
    const k = readout(g.input(cacheKey(l), 'float', [1, s.slots, T, 1, 2]), key);
    const v = readout(g.input(cacheValue(l), 'float', [1, s.slots, T, 1, 2]), value);
    const pick = (x: string, i: number) => g.op('Gather', [x, ints([i])], { axis: { int: 1 } });
    const c = g.op('Mul', [pick(v.sum, 0), g.scalar(2 ** l / 16)]);
    cSum = cSum ? g.op('Add', [cSum, c]) : c;
    const clean = g.op('Cast', [g.op('Equal', [pick(k.cached, 1), g.scalar(0)])], { to: { int: 1 } });
    const z = g.op('MatMul', [weights, clean]);
    last = { a: pick(k.sum, 0), d: pick(v.sum, 1), z };
  }
  const { a, d, z } = last!;
  const g0 = g.op('Mul', [a, g.scalar(1 / 64)]);
  const g2 = g.op('Add', [g.op('Mul', [positions, g.scalar(1 / 64)]), g.op('Reshape', [ctx0, ints([1])])]);
  const g3 = g.op('Add', [
    g.op('Add', [g.op('Mul', [d, g.scalar(1 / 8)]), g.op('Mul', [n, g.scalar(1 / 16)])]),
    g.op('Mul', [z, g.scalar(1 / 32)]),
  ]);
  // Per-frame [F, 4]: the block-wide readouts broadcast over the frames, channel 2 per frame.
  const column = ints([-1, 1]);
  const g2col = g.op('Reshape', [g2, column]);
  const ones = g.op('Mul', [g2col, g.scalar(0)]);
  const asCol = (x: string) => g.op('Add', [ones, g.op('Reshape', [x, ints([1, 1])])]);
  const perFrame = g.op('Concat', [asCol(g0), asCol(cSum), g2col, asCol(g3)], { axis: { int: 1 } });
  const flow = g.op('Expand', [
    g.op('Reshape', [perFrame, ints([1, -1, s.channels, 1, 1])]),
    ints([1, 1, 1, s.height, s.width]),
  ]);
  g.output(flow, 'flow', 'float', [1, 'frames', s.channels, s.height, s.width]);
  return g.toBytes();
}
