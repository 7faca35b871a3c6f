/**
 * The rank of each value as far as the file tells it without shape inference: declared inputs, outputs and
 * value_info, initializers, then carried forward through the operators a UNet's transformer blocks are made of.
 * The fusions need it because their fused operators take fixed ranks (MultiHeadAttention's query is
 * [B, S, N·H], SkipLayerNormalization's input [B, S, H]); a value of unknown rank is never fused.
 */
import { attr, num } from './onnx-model';
import type { Graph, Tensor } from './onnx-model';

/** Ops whose output has their first input's rank. */
const sameRank = new Set([
  'Relu',
  'Sigmoid',
  'Tanh',
  'Erf',
  'Softmax',
  'LayerNormalization',
  'InstanceNormalization',
  'Cast',
  'Identity',
  'Slice',
  'LeakyRelu',
  'Clip',
  'Conv',
  'Resize',
  'Concat',
]);
/** The fused com.microsoft ops, whose first output has their first input's rank (the fusions run in a row). */
const contribSameRank = new Set([
  'MultiHeadAttention',
  'BiasAdd',
  'BiasSplitGelu',
  'SkipLayerNormalization',
  'FusedConv',
]);
const broadcast = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Where']);

export function valueRanks(
  graph: Graph,
  initializers: Map<string, Tensor>,
  ints: (value: string) => number[] | undefined,
): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    const dims = v.type?.tensorType?.shape?.dim;
    if (v.name && dims) ranks.set(v.name, dims.length);
  }
  for (const [name, t] of initializers) ranks.set(name, (t.dims ?? []).map(num).length);
  for (const node of graph.node ?? []) {
    const contrib = node.domain === 'com.microsoft';
    if (node.domain && node.domain !== 'ai.onnx' && !contrib) continue;
    const inputs = (node.input ?? []).map((i) => ranks.get(i));
    const op = node.opType ?? '';
    let rank: number | undefined;
    if (contrib) rank = contribSameRank.has(op) ? inputs[0] : undefined;
    else if (sameRank.has(op)) rank = inputs[0];
    else if (broadcast.has(op) || op === 'MatMul')
      rank = inputs.every((r) => r !== undefined) ? Math.max(...(inputs as number[])) : undefined;
    else if (op === 'Reshape') rank = ints(node.input?.[1] ?? '')?.length;
    else if (op === 'Transpose') {
      const perm = attr(node, 'perm');
      rank = Array.isArray(perm) ? perm.length : inputs[0];
    } else if (op === 'Constant') {
      rank = node.attribute?.find((a) => a.name === 'value')?.t?.dims?.length;
    }
    // SkipLayerNormalization's fourth output, the residual sum, has its input's rank too.
    const outs = op === 'SkipLayerNormalization' && contrib ? [0, 3] : [0];
    for (const out of outs.map((i) => node.output?.[i]))
      if (rank !== undefined && out && !ranks.has(out)) ranks.set(out, rank);
  }
  return ranks;
}
