/**
 * Attention as the exporters write it, fused into com.microsoft MultiHeadAttention (query [B, S, N·H], key and
 * value [B, L, N·H], attribute num_heads N and scale; output [B, S, N·H]), which the WebGPU provider runs with
 * its flash-attention kernel instead of materialising every [B, N, S, L] score matrix:
 *
 *   q [B,S,N·H] -> Reshape [·,·,N,H] -> Transpose (0,2,1,3) ─┐
 *   k [B,L,N·H] -> Reshape [·,·,N,H] -> Transpose (0,2,3,1) ─┴ MatMul -> (Mul c | Div c) -> Softmax(-1) ─┐
 *   v [B,L,N·H] -> Reshape [·,·,N,H] -> Transpose (0,2,1,3) ───────────────────────────────────────────┴ MatMul
 *     -> Transpose (0,2,1,3) -> Reshape [·,·,N·H]
 *
 * The key's transpose may also be (0,2,1,3) then (0,1,3,2), and the scale may sit on the query's heads instead
 * of the scores. Self- and cross-attention are the same pattern (k and v read the context). A graph that adds a
 * mask to the scores (the text encoder's causal mask) is left as it is.
 */
import { floatAttribute, intAttribute, attr } from './onnx-model';
import type { Model, Node } from './onnx-model';
import { contribNode, fuseNodes, withConstant } from './fuse-match';
import type { Fused, GraphIndex } from './fuse-match';

const same = (a: unknown, b: number[]) => Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);

/** x -> Reshape [·,·,N,H] -> Transpose `perm` (and, for a key, optionally -> Transpose (0,1,3,2)). */
function heads(index: GraphIndex, value: string | undefined, perms: number[][]) {
  const group: Node[] = [];
  let v = value;
  for (let i = perms.length - 1; i >= 0; i--) {
    const t = index.made(v, 'Transpose');
    if (!t || !same(attr(t, 'perm'), perms[i]!)) return undefined;
    group.push(t);
    v = t.input?.[0];
  }
  const reshape = index.made(v, 'Reshape');
  const shape = index.ints(reshape?.input?.[1]);
  const input = reshape?.input?.[0];
  if (!reshape || !input || shape?.length !== 4 || index.ranks.get(input) !== 3) return undefined;
  const [, , n, h] = shape;
  if (!(n! > 0 && h! > 0)) return undefined;
  return { input, n: n!, h: h!, group: [...group, reshape] };
}

/** The key's heads, transposed for the product: (0,2,3,1) at once, or (0,2,1,3) then (0,1,3,2). */
function keyHeads(index: GraphIndex, value: string | undefined) {
  return (
    heads(index, value, [[0, 2, 3, 1]]) ??
    heads(index, value, [
      [0, 2, 1, 3],
      [0, 1, 3, 2],
    ])
  );
}

/** A value times a constant scale (Mul c, or Div c); scale 1 when there is none. */
function scaled(index: GraphIndex, value: string | undefined) {
  const read = (v: string) => index.scalar(v);
  for (const op of ['Mul', 'Div'] as const) {
    const node = index.made(value, op);
    const pair = node && withConstant(node, read);
    if (!node || !pair || (op === 'Div' && pair[1] !== node.input![1])) continue;
    const c = index.scalar(pair[1])!;
    return { input: pair[0], scale: op === 'Mul' ? c : 1 / c, group: [node] };
  }
  return { input: value, scale: 1, group: [] as Node[] };
}

function matchAttention(anchor: Node, index: GraphIndex): Fused | undefined {
  if (anchor.opType !== 'Reshape' || (anchor.domain ?? '') !== '') return undefined;
  const merged = index.ints(anchor.input?.[1]);
  if (merged?.length !== 3) return undefined;
  const transpose = index.made(anchor.input?.[0], 'Transpose');
  if (!transpose || !same(attr(transpose, 'perm'), [0, 2, 1, 3])) return undefined;
  const pv = index.made(transpose.input?.[0], 'MatMul');
  const softmax = index.made(pv?.input?.[0], 'Softmax');
  const axis = softmax ? attr(softmax, 'axis') : undefined;
  if (!pv || !softmax || !(axis === -1 || axis === 3)) return undefined;
  const onScores = scaled(index, softmax.input?.[0]);
  const qk = index.made(onScores.input, 'MatMul');
  if (!qk) return undefined;
  const onQuery = scaled(index, qk.input?.[0]);
  const q = heads(index, onQuery.input, [[0, 2, 1, 3]]);
  const k = keyHeads(index, qk.input?.[1]);
  const v = heads(index, pv.input?.[1], [[0, 2, 1, 3]]);
  if (!q || !k || !v || q.n !== k.n || q.n !== v.n || q.h !== k.h) return undefined;
  // The merged width must be the heads put back side by side (or inferred by -1 / copied by 0).
  const width = merged[2]!;
  if (width > 0 && width !== v.n * v.h) return undefined;
  const scale = onScores.scale * onQuery.scale;
  const group = [
    ...q.group,
    ...onQuery.group,
    ...k.group,
    qk,
    ...onScores.group,
    softmax,
    ...v.group,
    pv,
    transpose,
    anchor,
  ];
  const mha = contribNode(
    index,
    'MultiHeadAttention',
    anchor,
    [q.input, k.input, v.input],
    [anchor.output![0]!],
    [intAttribute('num_heads', q.n), floatAttribute('scale', scale)],
  );
  return { group, nodes: [mha] };
}

export function fuseAttention(model: Model): Model {
  return fuseNodes(model, matchAttention);
}
