/**
 * A decoded ONNX model and the small helpers the op-set check and the lowering passes share. Decoding reads the
 * graph file only: tensors stored as external data stay references (their `location` entries), so a UNet whose
 * weights sit beside it costs megabytes here, not gigabytes.
 */
import onnxProto from 'onnx-proto';
import { normalDomain } from './kernel-table';

const { onnx } = onnxProto;

export type Model = onnxProto.onnx.IModelProto;
export type Graph = onnxProto.onnx.IGraphProto;
export type Node = onnxProto.onnx.INodeProto;
export type Tensor = onnxProto.onnx.ITensorProto;
export type Attribute = onnxProto.onnx.IAttributeProto;

export const DataType = onnx.TensorProto.DataType;
export const AttributeType = onnx.AttributeProto.AttributeType;

/** protobufjs gives 64-bit fields as Long objects when they do not fit a double exactly; these do. */
export function num(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decodes a model from its bytes, with a sentence (not a protobuf trace) when they are not a model. */
export function decodeModel(bytes: Uint8Array): Model {
  let model: Model;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new Error(`not an ONNX model: ${(err as Error).message}`, { cause: err });
  }
  if (!model.graph) throw new Error('not an ONNX model: no graph');
  return model;
}

export function encodeModel(model: Model): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** The opset version the model imports for `domain` (0 when it imports none). */
export function opsetOf(model: Model, domain: string): number {
  const d = normalDomain(domain);
  const entry = (model.opsetImport ?? []).find((o) => normalDomain(o.domain) === d);
  return entry ? num(entry.version) : 0;
}

/** An attribute's value by name: ints, floats and strings as plain values. */
export function attr(node: Node, name: string): number | string | number[] | undefined {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  if (!a) return undefined;
  switch (a.type) {
    case AttributeType.INT:
      return num(a.i);
    case AttributeType.FLOAT:
      return a.f ?? 0;
    case AttributeType.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case AttributeType.INTS:
      return (a.ints ?? []).map(num);
    case AttributeType.FLOATS:
      return [...(a.floats ?? [])];
    default:
      return undefined;
  }
}

export function intAttr(node: Node, name: string, fallback: number): number {
  const v = attr(node, name);
  return typeof v === 'number' ? v : fallback;
}

export function intsAttribute(name: string, ints: number[]): Attribute {
  return { name, type: AttributeType.INTS, ints };
}
export function intAttribute(name: string, i: number): Attribute {
  return { name, type: AttributeType.INT, i };
}
export function floatAttribute(name: string, f: number): Attribute {
  return { name, type: AttributeType.FLOAT, f };
}

/** Every node of the graph and of its subgraphs (If/Loop/Scan bodies), for the inventory. */
export function* allNodes(graph: Graph): Generator<Node> {
  for (const node of graph.node ?? []) {
    yield node;
    for (const a of node.attribute ?? []) {
      if (a.g) yield* allNodes(a.g);
      for (const g of a.graphs ?? []) yield* allNodes(g);
    }
  }
}

/**
 * Names for the nodes and values a pass adds, unique against every name already in the graph: a lowered node is
 * named after the one it replaces, so onnxruntime's placement log still points at the original.
 */
export class Namer {
  private readonly taken = new Set<string>();
  constructor(graph: Graph) {
    for (const n of allNodes(graph)) {
      if (n.name) this.taken.add(n.name);
      for (const v of [...(n.input ?? []), ...(n.output ?? [])]) this.taken.add(v);
    }
    for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.initializer ?? [])])
      if (v.name) this.taken.add(v.name);
  }
  name(base: string): string {
    let candidate = base;
    for (let i = 1; this.taken.has(candidate); i++) candidate = `${base}_${i}`;
    this.taken.add(candidate);
    return candidate;
  }
}

/** A copy of the model with `graph.node` replaced; the rest is shared, not copied (passes never mutate it). */
export function withGraph(model: Model, graph: Graph): Model {
  return { ...model, graph };
}

/** Raises the model's import of `domain` to at least `version` (adding it when absent). */
export function ensureOpset(model: Model, domain: string, version: number): Model {
  const d = normalDomain(domain);
  const imports = [...(model.opsetImport ?? [])];
  const i = imports.findIndex((o) => normalDomain(o.domain) === d);
  if (i < 0) imports.push({ domain: d, version });
  else if (num(imports[i]!.version) < version) imports[i] = { ...imports[i], version };
  return { ...model, opsetImport: imports };
}

export function floatsAttribute(name: string, floats: number[]): Attribute {
  return { name, type: AttributeType.FLOATS, floats };
}
export function stringAttribute(name: string, value: string): Attribute {
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
}
