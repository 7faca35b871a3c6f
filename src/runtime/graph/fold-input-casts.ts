/**
 * Folds the Cast of an integer graph input into the input itself: the UNet exports feed `timestep` as int64 and
 * cast it to float (or float16) at once, and onnxruntime's WebGPU provider has no Cast from int64, so that one node
 * runs on the CPU provider inside the WebGPU session, with a copy each way every run. Declared at the element type
 * its consumers want, the input is fed as that type (the pipelines read each input's type from the file they open:
 * the lowered copy) and the Cast goes. The values are what the Cast would have made: a timestep is an integer under
 * 1000, exact in float16.
 *
 * Only an input whose every reader is a Cast to one and the same type is folded, and only when no Cast output is a
 * graph output; any other use of the input keeps it as it is.
 */
import { DataType, attr, num } from './onnx-model';
import type { Graph, Model, Node } from './onnx-model';

const integerTypes = new Set<number>([DataType.INT64, DataType.INT32, DataType.INT16, DataType.INT8]);
const floatTypes = new Set<number>([DataType.FLOAT, DataType.FLOAT16]);

/** An integer input, the type its Casts make and the Casts. */
export interface InputCast {
  input: string;
  from: number;
  to: number;
  casts: Node[];
}

/** The inputs of `graph` that `foldInputCasts` would fold (top-level nodes only, as the lowerings). */
export function foldableInputCasts(graph: Graph): InputCast[] {
  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  const found: InputCast[] = [];
  for (const input of graph.input ?? []) {
    const from = input.type?.tensorType?.elemType ?? 0;
    if (!input.name || !integerTypes.has(from)) continue;
    const readers = (graph.node ?? []).filter((n) => (n.input ?? []).includes(input.name!));
    // A reader in a subgraph (If/Loop bodies see outer values by name) would be left with the wrong type.
    if (readers.length === 0 || readsInSubgraph(graph, input.name)) continue;
    if (!readers.every((n) => n.opType === 'Cast' && (n.domain ?? '') === '')) continue;
    const targets = new Set(readers.map((n) => num(attr(n, 'to') as number)));
    const [to] = [...targets];
    if (targets.size !== 1 || to === undefined || !floatTypes.has(to)) continue;
    if (readers.some((n) => outputs.has(n.output?.[0] ?? ''))) continue;
    found.push({ input: input.name, from, to, casts: readers });
  }
  return found;
}

/** `model` with each foldable input declared at its Casts' type and the Casts removed (their readers rewired). */
export function foldInputCasts(model: Model): Model {
  const graph = model.graph!;
  const folds = foldableInputCasts(graph);
  if (folds.length === 0) return model;
  const rename = new Map<string, string>();
  const dropped = new Set<Node>();
  for (const f of folds) {
    for (const c of f.casts) {
      rename.set(c.output![0]!, f.input);
      dropped.add(c);
    }
  }
  const node = (graph.node ?? [])
    .filter((n) => !dropped.has(n))
    .map((n) => ({ ...n, input: (n.input ?? []).map((i) => rename.get(i) ?? i) }));
  const to = new Map(folds.map((f) => [f.input, f.to]));
  const input = (graph.input ?? []).map((i) => {
    const t = to.get(i.name ?? '');
    if (t === undefined) return i;
    return { ...i, type: { ...i.type, tensorType: { ...i.type!.tensorType, elemType: t } } };
  });
  // value_info of the removed Cast outputs would now describe names no node makes.
  const valueInfo = (graph.valueInfo ?? []).filter((v) => !rename.has(v.name ?? ''));
  return { ...model, graph: { ...graph, node, input, valueInfo } };
}

function readsInSubgraph(graph: Graph, name: string): boolean {
  for (const n of graph.node ?? []) {
    for (const a of n.attribute ?? []) {
      for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
        if ((g.node ?? []).some((m) => (m.input ?? []).includes(name)) || readsInSubgraph(g, name)) return true;
      }
    }
  }
  return false;
}
