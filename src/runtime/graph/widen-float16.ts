/**
 * A float16 graph computed in float32, for the CPU provider. onnxruntime's CPU kernels take float16 for few ops
 * (Conv, MatMul, Add, Mul, InstanceNormalization, Softmax take float32 only: tables/cpu-kernels.ts), so on the CPU a
 * float16 export runs with Casts onnxruntime puts around each such node, and back to float16 before every node that
 * has a float16 kernel (Reshape, Transpose, Split, LayerNormalization): casts each run, and fusions the casts get in
 * the way of. Float16 buys nothing on a CPU; measured with tools/fp16-cpu-bench.py, the float16 graph took longer
 * than the same graph in float32 behind one Cast in and one out (docs/model-check.md).
 *
 * So the graph is widened once at load: its float16 inputs and outputs stay float16 (the pipelines feed what the
 * file declares) with a Cast after each input and before each output; each float16 initializer is read through a
 * Cast to float32 (onnxruntime folds those at session creation, so the weights stay float16 on disk, referenced in
 * the original file, and are float32 in memory); float16 constants, Cast targets and dtype attributes become
 * float32. Graphs with subgraphs (If, Loop, Scan) or nodes of other domains are left as they are.
 */
import { halfToFloats } from '../half';
import { AttributeType, DataType, attr, num } from './onnx-model';
import type { Graph, Model, Node, Tensor } from './onnx-model';

const F16 = DataType.FLOAT16;
const F32 = DataType.FLOAT;

/** Whether `widenFloat16` would change `graph`: it holds float16 values and nothing the pass leaves alone. */
export function widenable(graph: Graph): boolean {
  const nodes = graph.node ?? [];
  if (nodes.some((n) => (n.attribute ?? []).some((a) => a.g || (a.graphs ?? []).length))) return false;
  if (nodes.some((n) => !['', 'ai.onnx', 'com.microsoft'].includes(n.domain ?? ''))) return false;
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  // An initializer that is also an input (old IR) or an output read straight from an input: left as they are.
  if ((graph.input ?? []).some((i) => inits.has(i.name))) return false;
  const sources = new Set([...(graph.input ?? []).map((i) => i.name), ...inits]);
  if ((graph.output ?? []).some((o) => sources.has(o.name))) return false;
  const typed = [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])];
  return (
    typed.some((v) => v.type?.tensorType?.elemType === F16) ||
    (graph.initializer ?? []).some((t) => t.dataType === F16) ||
    nodes.some((n) => n.opType === 'Cast' && num(attr(n, 'to') as number) === F16)
  );
}

/** A float16 tensor's values as a float32 tensor (raw data, or the bit patterns ONNX keeps in int32Data). */
function widenTensor(t: Tensor): Tensor {
  if (t.dataType !== F16) return t;
  const bits = t.rawData?.length
    ? new Uint16Array(Uint8Array.from(t.rawData).buffer)
    : Uint16Array.from(t.int32Data ?? [], (v) => v & 0xffff);
  const floats = halfToFloats(bits);
  return { ...t, dataType: F32, int32Data: [], rawData: new Uint8Array(floats.buffer) };
}

function widenNode(n: Node): Node {
  const attribute = (n.attribute ?? []).map((a) => {
    if (a.t) return { ...a, t: widenTensor(a.t) };
    // Cast's `to` and the generators' `dtype` (EyeLike, RandomNormal, RandomUniform and their -Like forms).
    if ((a.name === 'to' || a.name === 'dtype') && num(a.i as number) === F16) return { ...a, i: F32 };
    return a;
  });
  return { ...n, attribute };
}

const castNode = (input: string, output: string, to: number): Node => ({
  opType: 'Cast',
  domain: '',
  name: `widen_${output}`,
  input: [input],
  output: [output],
  attribute: [{ name: 'to', type: AttributeType.INT, i: to }],
});

export function widenFloat16(model: Model): Model {
  const graph = model.graph!;
  if (!widenable(graph)) return model;
  const isF16 = (v: { type?: { tensorType?: { elemType?: number | null } | null } | null }) =>
    v.type?.tensorType?.elemType === F16;
  // Inputs: readers take the float32 cast of the input.
  const inputs = new Map<string, string>();
  for (const i of graph.input ?? []) if (i.name && isF16(i)) inputs.set(i.name, `${i.name}__float32`);
  // Outputs: the node that made one makes its float32 value; a Cast makes the declared float16 output from it.
  const outputs = new Map<string, string>();
  for (const o of graph.output ?? []) if (o.name && isF16(o)) outputs.set(o.name, `${o.name}__float32`);
  const head: Node[] = [...inputs].map(([name, wide]) => castNode(name, wide, F32));
  // Initializers keep their float16 bytes (inside the original file) under a new name, read through a Cast.
  const initializer = (graph.initializer ?? []).map((t) => {
    if (t.dataType !== F16 || !t.name) return t;
    head.push(castNode(`${t.name}__float16`, t.name, F32));
    return { ...t, name: `${t.name}__float16` };
  });
  const body = (graph.node ?? []).map((n) => {
    const w = widenNode(n);
    return {
      ...w,
      input: (w.input ?? []).map((i) => inputs.get(i) ?? i),
      output: (w.output ?? []).map((o) => outputs.get(o) ?? o),
    };
  });
  // An output read by another node too: those readers read the float32 value.
  for (const n of body) n.input = n.input.map((i) => outputs.get(i) ?? i);
  const tail = [...outputs].map(([name, wide]) => castNode(wide, name, F16));
  const valueInfo = (graph.valueInfo ?? []).map((v) =>
    isF16(v) ? { ...v, type: { ...v.type, tensorType: { ...v.type!.tensorType, elemType: F32 } } } : v,
  );
  return { ...model, graph: { ...graph, node: [...head, ...body, ...tail], initializer, valueInfo } };
}
