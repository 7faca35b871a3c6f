/**
 * What every fusion pass shares: an index of the graph (who produces and who reads each value, the constants, the
 * ranks the file implies) and the one loop that replaces a matched group of nodes with a fused node. A group is
 * replaced only when its inner values are read by nothing outside it and are no graph output, so the rest of the
 * graph sees the same values under the same names. The input model is never changed; a new one comes back.
 */
import { halfToFloats } from '../half';
import { allNodes, ensureOpset, num, withGraph, Namer, DataType } from './onnx-model';
import type { Attribute, Model, Node, Tensor } from './onnx-model';
import { normalDomain } from './kernel-table';
import { valueRanks } from './value-ranks';

export class GraphIndex {
  readonly producer = new Map<string, Node>();
  readonly readers = new Map<string, Node[]>();
  readonly initializers: Map<string, Tensor>;
  readonly graphOutputs: Set<string>;
  readonly ranks: Map<string, number>;
  readonly namer: Namer;

  constructor(readonly model: Model) {
    const g = model.graph!;
    for (const n of g.node ?? []) {
      for (const o of n.output ?? []) if (o) this.producer.set(o, n);
      for (const i of n.input ?? []) if (i) this.readers.set(i, [...(this.readers.get(i) ?? []), n]);
    }
    this.initializers = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
    this.graphOutputs = new Set((g.output ?? []).map((o) => o.name ?? ''));
    this.ranks = valueRanks(g, this.initializers, (v) => this.ints(v));
    this.namer = new Namer(g);
  }

  /** The node of plain-ONNX type `op` that produces `value`, if that is what produces it. */
  made(value: string | undefined, op: string): Node | undefined {
    const n = value ? this.producer.get(value) : undefined;
    return n && n.opType === op && normalDomain(n.domain) === '' ? n : undefined;
  }

  /** The constant tensor behind `value`: an initializer or a Constant node's value. */
  tensor(value: string | undefined): Tensor | undefined {
    if (!value) return undefined;
    const init = this.initializers.get(value);
    if (init) return init;
    const c = this.made(value, 'Constant');
    return c?.attribute?.find((a) => a.name === 'value')?.t ?? undefined;
  }

  /** The int64 values of a constant (a Reshape's shape, a Slice's starts), or undefined. */
  ints(value: string | undefined): number[] | undefined {
    const t = this.tensor(value);
    if (!t || t.dataType !== DataType.INT64 || t.dataLocation === 1) return undefined;
    if (t.int64Data?.length) return t.int64Data.map(num);
    const raw = t.rawData;
    if (!raw) return [];
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }

  /** The float values of a float or float16 constant held in the file (not external), or undefined. */
  floats(value: string | undefined): number[] | undefined {
    const t = this.tensor(value);
    if (!t || t.dataLocation === 1) return undefined;
    if (t.dataType === DataType.FLOAT) {
      if (t.floatData?.length) return [...t.floatData];
      const raw = t.rawData ?? new Uint8Array();
      return [...new Float32Array(new Uint8Array(raw).buffer)];
    }
    if (t.dataType === DataType.FLOAT16) {
      if (t.int32Data?.length) return [...halfToFloats(Uint16Array.from(t.int32Data))];
      const raw = t.rawData ?? new Uint8Array();
      return [...halfToFloats(new Uint16Array(new Uint8Array(raw).buffer))];
    }
    return undefined;
  }

  /** One float (a scale or a GELU constant), when `value` is a constant holding exactly one. */
  scalar(value: string | undefined): number | undefined {
    const v = this.floats(value);
    return v?.length === 1 ? v[0] : undefined;
  }

  /** The dims of a constant (an initializer, external or not). */
  dims(value: string | undefined): number[] | undefined {
    return this.tensor(value)?.dims?.map(num);
  }

  /** Whether `value` is read only by nodes in `group` and is not a graph output. */
  inner(value: string, group: readonly Node[]): boolean {
    if (this.graphOutputs.has(value)) return false;
    return (this.readers.get(value) ?? []).every((r) => group.includes(r));
  }
}

/** Constant operands of a two-input node: [the other input, the constant], in either order, or undefined. */
export function withConstant(node: Node, read: (v: string) => unknown): [string, string] | undefined {
  const [a, b] = node.input ?? [];
  if (!a || !b) return undefined;
  if (read(b) !== undefined) return [a, b];
  if (read(a) !== undefined) return [b, a];
  return undefined;
}

export interface Fused {
  /** The nodes the fused node replaces (the anchor among them). */
  group: Node[];
  /** The fused node(s), written where the anchor was. */
  nodes: Node[];
}

/** A com.microsoft node, named after the anchor it replaces so onnxruntime's placement log still points there. */
export function contribNode(
  index: GraphIndex,
  opType: string,
  anchor: Node,
  input: string[],
  output: string[],
  attribute: Attribute[] = [],
): Node {
  const name = index.namer.name(`${anchor.name || opType}/${opType}`);
  return { opType, domain: 'com.microsoft', input, output, name, attribute };
}

/**
 * Tries `match` on every top-level node (as the last node of a group) and replaces each group it returns. A group
 * whose inner values are read outside it, or that overlaps one already fused, is left alone.
 */
export function fuseNodes(model: Model, match: (anchor: Node, index: GraphIndex) => Fused | undefined): Model {
  const index = new GraphIndex(model);
  const nodes = model.graph!.node ?? [];
  const position = new Map(nodes.map((n, i) => [n, i]));
  const taken = new Set<Node>();
  const at = new Map<Node, Node[]>();
  for (const anchor of nodes) {
    const fused = match(anchor, index);
    if (!fused || fused.group.some((n) => taken.has(n))) continue;
    const produced = new Set(fused.group.flatMap((n) => n.output ?? []));
    const kept = new Set(fused.nodes.flatMap((n) => n.output ?? []));
    const innerOk = [...produced].every((v) => !v || kept.has(v) || index.inner(v, fused.group));
    // A value the fused node still gives (a residual sum) is now made where the anchor was: its other readers
    // must come after that place, or the node order would no longer be a topological one.
    const after = (v: string) =>
      (index.readers.get(v) ?? []).every((r) => fused.group.includes(r) || position.get(r)! > position.get(anchor)!);
    if (!innerOk || ![...kept].every(after)) continue;
    for (const n of fused.group) taken.add(n);
    at.set(anchor, fused.nodes);
  }
  if (at.size === 0) return model;
  const out: Node[] = [];
  for (const n of nodes) {
    if (at.has(n)) out.push(...at.get(n)!);
    else if (!taken.has(n)) out.push(n);
  }
  // Constants only the replaced nodes read (shapes, GELU's 0.5, a scale) go with them; weights stay read.
  const read = new Set<string>();
  for (const n of allNodes({ node: out })) for (const i of n.input ?? []) read.add(i);
  const orphaned = new Set([...taken].flatMap((n) => n.input ?? []).filter((i) => !read.has(i)));
  const initializer = (model.graph!.initializer ?? []).filter((t) => !orphaned.has(t.name ?? ''));
  return ensureOpset(withGraph(model, { ...model.graph, node: out, initializer }), 'com.microsoft', 1);
}
