/**
 * A tiny attention block for the fusion tests, written in the forms exporters use: q, k, v projections of x (and of
 * a context for cross-attention), heads split by Reshape + Transpose, MatMul -> scale -> Softmax -> MatMul, heads
 * merged back. The forms differ where exporters differ: how the key is transposed and where the scale sits.
 */
import { GraphBuilder } from '../graph-builder';
import { pattern } from './cpu-run';

export const ATTN = { S: 6, L: 5, heads: 2, head: 4, context: 3 } as const;
export type AttentionSize = { S: number; L: number; heads: number; head: number; context: number };

export type AttentionForm = 'key-0231-mul' | 'key-two-transposes-div' | 'scale-on-query' | 'masked';

export function attentionBlock(
  form: AttentionForm,
  cross: boolean,
  opts: { probsOut?: boolean; size?: AttentionSize } = {},
): Uint8Array {
  const { S, L, heads, head, context } = opts.size ?? ATTN;
  const D = heads * head;
  const g = new GraphBuilder(`attention_${form}`);
  const x = g.input('x', 'float', [1, S, D]);
  const ctx = cross ? g.input('ctx', 'float', [1, L, context]) : x;
  const kvIn = cross ? context : D;
  const w = (name: string, rows: number, seed: number) =>
    g.floats(
      name,
      [rows, D],
      Array.from(pattern(rows * D, seed), (v) => v / (2 * Math.sqrt(rows))),
    );
  const q = g.op('MatMul', [x, w('wq', D, 3)]);
  const k = g.op('MatMul', [ctx, w('wk', kvIn, 4)]);
  const v = g.op('MatMul', [ctx, w('wv', kvIn, 5)]);
  const len = cross ? L : S;
  const split = (t: string, n: number, perm: number[], tag: string) =>
    g.op('Transpose', [g.op('Reshape', [t, g.int64s(`${tag}.shape`, [0, n, heads, head])])], { perm });
  const qh = split(q, S, [0, 2, 1, 3], 'q');
  const kt =
    form === 'key-two-transposes-div'
      ? g.op('Transpose', [split(k, len, [0, 2, 1, 3], 'k')], { perm: [0, 1, 3, 2] })
      : split(k, len, [0, 2, 3, 1], 'k');
  const vh = split(v, len, [0, 2, 1, 3], 'v');
  const c = 1 / Math.sqrt(head);
  let scores: string;
  if (form === 'scale-on-query') scores = g.op('MatMul', [g.op('Mul', [g.scalar(c), qh]), kt]);
  else if (form === 'key-two-transposes-div')
    scores = g.op('Div', [g.op('MatMul', [qh, kt]), g.scalar(Math.sqrt(head))]);
  else scores = g.op('Mul', [g.op('MatMul', [qh, kt]), g.scalar(c)]);
  if (form === 'masked') {
    const mask = Array.from({ length: S * len }, (_, i) => (i % len > Math.floor(i / len) ? -1e4 : 0));
    scores = g.op('Add', [scores, g.floats('mask', [S, len], mask)]);
  }
  const probs = g.op('Softmax', [scores], { axis: { int: -1 } });
  const merged = g.op('Transpose', [g.op('MatMul', [probs, vh])], { perm: [0, 2, 1, 3] });
  const out = g.op('MatMul', [g.op('Reshape', [merged, g.int64s('merge', [0, S, D])]), w('wo', D, 6)]);
  g.output(out, 'y', 'float', [1, S, D]);
  if (opts.probsOut) g.output(probs, 'probs', 'float', [1, heads, S, len]);
  return g.toBytes();
}

export function attentionFeeds(cross: boolean, size: AttentionSize = ATTN) {
  const { S, L, heads, head, context } = size;
  const D = heads * head;
  return {
    x: { dims: [1, S, D], data: pattern(S * D, 1) },
    ...(cross ? { ctx: { dims: [1, L, context], data: pattern(L * context, 2) } } : {}),
  };
}
