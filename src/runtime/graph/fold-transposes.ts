/**
 * Removes pairs of Transpose nodes that undo each other (NHWC→NCHW right after NCHW→NHWC): the exporter wraps every
 * NhwcConv in such transposes and the lowerings add the inverse ones, so a run of lowered NHWC ops would otherwise
 * pay two layout copies per op. Readers of the second transpose read the first one's input instead; a transpose
 * left with no reader goes. A pair whose result is a graph output stays (its name is part of the model's API).
 */
import { allNodes, attr, withGraph } from './onnx-model';
import type { Model, Node } from './onnx-model';

const isTranspose = (n: Node) => n.opType === 'Transpose' && (!n.domain || n.domain === 'ai.onnx');

export function foldTransposes(model: Model): Model {
  const graph = model.graph!;
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name));
  let nodes = [...(graph.node ?? [])];
  for (;;) {
    const producer = new Map<string, Node>();
    for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
    const rename = new Map<string, string>();
    for (const second of nodes) {
      if (!isTranspose(second)) continue;
      const first = producer.get(second.input?.[0] ?? '');
      const out = second.output?.[0];
      if (!first || !isTranspose(first) || !out || graphOutputs.has(out) || rename.has(first.output![0]!)) continue;
      const p = attr(first, 'perm');
      const q = attr(second, 'perm');
      // A transpose without perm reverses the axes; only explicit perms are folded.
      if (!Array.isArray(p) || !Array.isArray(q) || p.length !== q.length) continue;
      if (q.every((axis, j) => p[axis] === j)) rename.set(out, first.input![0]!);
    }
    if (rename.size === 0) break;
    nodes = nodes
      .filter((n) => !(isTranspose(n) && rename.has(n.output?.[0] ?? '')))
      .map((n) => ({ ...n, input: (n.input ?? []).map((i) => resolve(rename, i)) }));
    nodes = dropUnread(nodes, graphOutputs);
  }
  return withGraph(model, { ...graph, node: nodes });
}

/** Where a folded value now comes from: a pair's input may itself be the output of a pair folded in this round. */
function resolve(rename: Map<string, string>, value: string): string {
  let v = value;
  for (let seen = 0; rename.has(v) && seen <= rename.size; seen++) v = rename.get(v)!;
  return v;
}

/** Transposes nothing reads any more (their reader was folded away). */
function dropUnread(nodes: Node[], graphOutputs: Set<string | null | undefined>): Node[] {
  for (;;) {
    const read = new Set<string>();
    // Reads from If/Loop bodies count too: a body may read an outer value by name.
    for (const n of allNodes({ node: nodes })) for (const i of n.input ?? []) read.add(i);
    const keep = nodes.filter(
      (n) => !isTranspose(n) || graphOutputs.has(n.output?.[0]) || read.has(n.output?.[0] ?? ''),
    );
    if (keep.length === nodes.length) return keep;
    nodes = keep;
  }
}
