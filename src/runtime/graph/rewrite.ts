/**
 * The one loop every lowering pass shares: walk the top-level nodes, hand each matching node to a rewrite that
 * emits plain-operator nodes (and constants) producing the same output names, keep the rest as they are. The
 * input model is never changed; a new one comes back.
 */
import { elemTypes } from './elem-types';
import { DataType, Namer, attr, intAttribute, withGraph } from './onnx-model';
import type { Attribute, Model, Node, Tensor } from './onnx-model';
import { normalDomain } from './kernel-table';
import { floatConstant, int64Constant } from './constants';

export class RewriteContext {
  readonly nodes: Node[] = [];
  readonly constants: Tensor[] = [];
  constructor(
    readonly namer: Namer,
    readonly types: Map<string, number>,
    readonly initializers: Map<string, Tensor>,
    readonly original: Node,
  ) {}

  /** Adds a node; its output is `output` when given (to keep a name later nodes read), else a fresh name. */
  op(opType: string, inputs: string[], attribute: Attribute[] = [], output?: string, outputCount = 1): string[] {
    const base = `${this.original.name || this.original.opType}/${opType}`;
    const outputs = Array.from({ length: outputCount }, (_, i) =>
      i === 0 && output ? output : this.namer.name(`${base}_out`),
    );
    this.nodes.push({ opType, domain: '', input: inputs, output: outputs, name: this.namer.name(base), attribute });
    return outputs;
  }

  one(opType: string, inputs: string[], attribute: Attribute[] = [], output?: string): string {
    return this.op(opType, inputs, attribute, output)[0]!;
  }

  floats(type: number, dims: number[], values: number[]): string {
    const t = floatConstant(this.namer.name(`${this.original.name || 'lowered'}/const`), type, dims, values);
    this.constants.push(t);
    return t.name!;
  }

  int64s(values: number[]): string {
    const t = int64Constant(this.namer.name(`${this.original.name || 'lowered'}/shape`), values);
    this.constants.push(t);
    return t.name!;
  }

  /** The element type of a value: known, or that of `fallback`, or float. */
  typeOf(value: string, fallback?: string): number {
    return this.types.get(value) ?? (fallback ? this.types.get(fallback) : undefined) ?? DataType.FLOAT;
  }

  /** `value` as element type `type` (a Cast only when it differs). */
  castTo(value: string, type: number): string {
    if (this.types.get(value) === type) return value;
    return this.one('Cast', [value], [intAttribute('to', type)]);
  }

  /** The rank of a value when the file declares it (an input, value_info or initializer). */
  rankOf(value: string, model: Model): number | undefined {
    const init = this.initializers.get(value);
    if (init) return (init.dims ?? []).length;
    const g = model.graph!;
    const info = [...(g.input ?? []), ...(g.valueInfo ?? []), ...(g.output ?? [])].find((v) => v.name === value);
    return info?.type?.tensorType?.shape?.dim?.length ?? undefined;
  }

  attr(name: string) {
    return attr(this.original, name);
  }
}

/** Replaces every top-level node of `domain`/`opType` (that `where` accepts) with what `rewrite` emits. */
export function rewriteNodes(
  model: Model,
  domain: string,
  opType: string,
  rewrite: (ctx: RewriteContext) => void,
  /** Only the nodes of that type this accepts (a form of the op), when given. */
  where: (node: Node) => boolean = () => true,
): Model {
  const graph = model.graph!;
  const matches = (n: Node) => n.opType === opType && normalDomain(n.domain) === normalDomain(domain) && where(n);
  if (!(graph.node ?? []).some(matches)) return model;
  const namer = new Namer(graph);
  const types = elemTypes(graph);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const nodes: Node[] = [];
  const added: Tensor[] = [];
  for (const node of graph.node ?? []) {
    if (!matches(node)) {
      nodes.push(node);
      continue;
    }
    const ctx = new RewriteContext(namer, types, initializers, node);
    rewrite(ctx);
    nodes.push(...ctx.nodes);
    added.push(...ctx.constants);
  }
  return withGraph(model, { ...graph, node: nodes, initializer: [...(graph.initializer ?? []), ...added] });
}
