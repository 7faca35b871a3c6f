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

export function elemTypes(graph: Graph): Map<string, number> {
  const types = new Map<string, number>();
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    const t = v.type?.tensorType?.elemType;
    if (v.name && t) types.set(v.name, t);
  }
  for (const t of graph.initializer ?? []) if (t.name && t.dataType) types.set(t.name, t.dataType);
  for (const node of graph.node ?? []) {
    const out = outputType(node, types);
    if (out === undefined) continue;
    for (const o of node.output ?? []) if (o && !types.has(o)) types.set(o, out);
  }
  return types;
}

function outputType(node: Node, types: Map<string, number>): number | undefined {
  const op = node.opType ?? '';
  if (op in fixedOutput) return fixedOutput[op];
  if (op === 'Cast') return num(attr(node, 'to') as number);
  if (op === 'CastLike') return types.get(node.input?.[1] ?? '');
  if (op === 'Constant' || op === 'ConstantOfShape') {
    const value = (node.attribute ?? []).find((a) => a.name === 'value')?.t;
    return value?.dataType ?? (op === 'ConstantOfShape' ? DataType.FLOAT : undefined);
  }
  return types.get(node.input?.[0] ?? '');
}
