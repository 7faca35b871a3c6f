/**
 * Small graphs in the forms the fusions look for, with float inputs only (so the CPU runner can feed them): the
 * GEGLU feed-forward, a projection bias plus residual, a residual add before a LayerNorm, convolutions with their
 * activations. Shared by the per-pass tests and the WebGPU test.
 */
import { GraphBuilder } from '../graph-builder';
import { pattern } from './cpu-run';

export const TOK = { S: 5, C: 8 } as const;
export type TokenSize = { S: number; C: number };

const weights = (g: GraphBuilder, name: string, dims: number[], seed: number) =>
  g.floats(
    name,
    dims,
    Array.from(
      pattern(
        dims.reduce((a, b) => a * b, 1),
        seed,
      ),
      (v) => v / 4,
    ),
  );

/** x [1, S, C] -> MatMul [C, 2F] + bias -> halves -> left × GELU(right). `torch`: Split and torch's GELU form. */
export function gegluGraph(form: 'slices' | 'torch', { S, C }: TokenSize = TOK): Uint8Array {
  const F = C;
  const g = new GraphBuilder(`geglu_${form}`);
  const x = g.input('x', 'float', [1, S, C]);
  const a = g.op('Add', [g.op('MatMul', [x, weights(g, 'w', [C, 2 * F], 3)]), weights(g, 'b', [2 * F], 4)]);
  let left: string;
  let right: string;
  if (form === 'slices') {
    const axis = g.int64s('axis', [2]);
    left = g.op('Slice', [a, g.int64s('l0', [0]), g.int64s('l1', [F]), axis]);
    right = g.op('Slice', [a, g.int64s('r0', [F]), g.int64s('r1', [2 * F]), axis]);
  } else {
    const split = g.op('Split', [a, g.int64s('halves', [F, F])], { axis: { int: -1 } }, 2);
    [left, right] = [split, `${split}_1`];
  }
  let gelu: string;
  if (form === 'slices') {
    const erf = g.op('Erf', [g.op('Mul', [right, g.scalar(Math.SQRT1_2)])]);
    gelu = g.op('Mul', [g.op('Mul', [right, g.scalar(0.5)]), g.op('Add', [erf, g.scalar(1)])]);
  } else {
    const erf = g.op('Erf', [g.op('Div', [right, g.scalar(Math.SQRT2)])]);
    gelu = g.op('Mul', [g.op('Mul', [right, g.op('Add', [erf, g.scalar(1)])]), g.scalar(0.5)]);
  }
  g.output(g.op('Mul', [left, gelu]), 'y', 'float', [1, S, F]);
  return g.toBytes();
}

/** x + (h · W + bias): the attention output projection added to the residual stream, then read on. */
export function biasAddGraph({ S, C }: TokenSize = TOK): Uint8Array {
  const g = new GraphBuilder('bias_add');
  const x = g.input('x', 'float', [1, S, C]);
  const h = g.input('h', 'float', [1, S, C]);
  const y = g.op('Add', [x, g.op('Add', [g.op('MatMul', [h, weights(g, 'w', [C, C], 5)]), weights(g, 'b', [C], 6)])]);
  g.output(g.op('MatMul', [y, weights(g, 'w2', [C, C], 7)]), 'out', 'float', [1, S, C]);
  return g.toBytes();
}

/** LayerNorm(x + (h · W + bias)), the sum also going on as the residual stream (a second reader). */
export function skipLayerNormGraph({ S, C }: TokenSize = TOK): Uint8Array {
  const g = new GraphBuilder('skip_ln');
  const x = g.input('x', 'float', [1, S, C]);
  const h = g.input('h', 'float', [1, S, C]);
  const proj = g.op('Add', [g.op('MatMul', [h, weights(g, 'w', [C, C], 8)]), weights(g, 'b', [C], 9)]);
  const sum = g.op('Add', [x, proj]);
  const gamma = g.floats(
    'gamma',
    [C],
    Array.from(pattern(C, 10), (v) => 1 + v / 4),
  );
  const normed = g.op('LayerNormalization', [sum, gamma, weights(g, 'beta', [C], 11)], {
    axis: { int: -1 },
    epsilon: 1e-5,
  });
  g.output(g.op('Add', [g.op('MatMul', [normed, weights(g, 'w2', [C, C], 12)]), sum]), 'out', 'float', [1, S, C]);
  return g.toBytes();
}

/** Convolutions followed by Relu, LeakyRelu and Sigmoid, as TAESD's blocks are. */
export function convActivationGraph(side = 6, width = 4): Uint8Array {
  const g = new GraphBuilder('conv_act');
  let x = g.input('image', 'float', [1, 3, side, side]);
  const conv = (v: string, cin: number, cout: number, seed: number) =>
    g.op('Conv', [v, weights(g, `w${seed}`, [cout, cin, 3, 3], seed), weights(g, `b${seed}`, [cout], seed + 1)], {
      kernel_shape: [3, 3],
      pads: [1, 1, 1, 1],
    });
  x = g.op('Relu', [conv(x, 3, width, 20)]);
  x = g.op('LeakyRelu', [conv(x, width, width, 22)], { alpha: 0.2 });
  x = g.op('Sigmoid', [conv(x, width, 3, 24)]);
  g.output(x, 'out', 'float', [1, 3, side, side]);
  return g.toBytes();
}

export const tokenFeedsFor = ({ S, C }: TokenSize) => ({
  x: { dims: [1, S, C], data: pattern(S * C, 1) },
  h: { dims: [1, S, C], data: pattern(S * C, 2) },
});
export const tokenFeeds = tokenFeedsFor(TOK);
export const imageFeedsFor = (side: number) => ({
  image: { dims: [1, 3, side, side], data: pattern(3 * side * side, 3) },
});
export const imageFeeds = imageFeedsFor(6);
