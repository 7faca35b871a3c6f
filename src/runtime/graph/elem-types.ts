/**
 * Element types of a graph's values, as far as the file tells them without running shape inference: declared
 * inputs, outputs, value_info and initializers, then carried forward node by node. A lowering needs them to write
 * constants of the right type (a float16 UNet's GroupNorm must get float16 scales).
 */
import { DataType, attr, num } from './onnx-model';
import type { Graph, Node } from './onnx-model';

/** Ops whose output type is not their first input's. */
const fixedOutput: Record<string, number> = {
  Shape: DataType.INT64,
  Size: DataType.INT64,
  ArgMax: DataType.INT64,
  ArgMin: DataType.INT64,
  NonZero: DataType.INT64,
  NonMaxSuppression: DataType.INT64,
  Equal: DataType.BOOL,
  Less: DataType.BOOL,
  LessOrEqual: DataType.BOOL,
  Greater: DataType.BOOL,
  GreaterOrEqual: DataType.BOOL,
  Not: DataType.BOOL,
  And: DataType.BOOL,
  Or: DataType.BOOL,
  Xor: DataType.BOOL,
  IsNaN: DataType.BOOL,
  IsInf: DataType.BOOL,
};

/**
 * Ops whose output 0 has the type of another input than input 0; a -1 means "not known without reading the op":
 * control flow (its outputs come from a subgraph) is left unknown rather than given its condition's bool type.
 */
const typeFromInput: Record<string, number> = { Where: 1, OneHot: 2, If: -1, Loop: -1, Scan: -1 };

/** Outputs after the first with a fixed type (indices and counts). */
const laterOutputs: Record<string, number> = {
  TopK: DataType.INT64,
  MaxPool: DataType.INT64,
  Unique: DataType.INT64,
  DynamicQuantizeLinear: DataType.FLOAT,
};

/** Domains whose ops mostly give output 0 their input 0's type; another domain's outputs stay unknown. */
const carriedDomains = new Set(['', 'ai.onnx', 'com.microsoft']);

export function elemTypes(graph: Graph): Map<string, number> {
  const types = new Map<string, number>();
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    const t = v.type?.tensorType?.elemType;
    if (v.name && t) types.set(v.name, t);
  }
  for (const t of graph.initializer ?? []) if (t.name && t.dataType) types.set(t.name, t.dataType);
  for (const node of graph.node ?? []) {
    const out = outputType(node, types);
    const outputs = node.output ?? [];
    const later = laterOutputs[node.opType ?? ''] ?? (node.opType === 'Split' ? out : undefined);
    outputs.forEach((o, i) => {
      const t = i === 0 ? out : later;
      if (o && t !== undefined && !types.has(o)) types.set(o, t);
    });
  }
  return types;
}

function outputType(node: Node, types: Map<string, number>): number | undefined {
  const op = node.opType ?? '';
  if (!carriedDomains.has(node.domain ?? '')) return undefined;
  if (op in fixedOutput) return fixedOutput[op];
  if (op === 'Cast') return num(attr(node, 'to') as number);
  if (op === 'CastLike') return types.get(node.input?.[1] ?? '');
  if (op === 'Constant' || op === 'ConstantOfShape') {
    const value = (node.attribute ?? []).find((a) => a.name === 'value')?.t;
    return value?.dataType ?? (op === 'ConstantOfShape' ? DataType.FLOAT : undefined);
  }
  const from = typeFromInput[op];
  if (from !== undefined) return from < 0 ? undefined : types.get(node.input?.[from] ?? '');
  // Quantizers and dequantizers change the type by their scale or zero point: not carried.
  if (/Quantize|^Random|Multinomial|EyeLike/.test(op)) return undefined;
  return types.get(node.input?.[0] ?? '');
}
