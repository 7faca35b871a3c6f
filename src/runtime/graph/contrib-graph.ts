/**
 * GraphBuilder writes ai.onnx nodes only; the stand-ins of contrib-operator exports (and the tests of the
 * lowerings) need some of its nodes in the com.microsoft domain. This moves the nodes of the named op types there
 * and imports the domain, the way onnxruntime's transformer optimizer writes its fused operators.
 */
import { decodeModel, encodeModel } from './onnx-model';

export const MS_DOMAIN = 'com.microsoft';

export function withContribOps(bytes: Uint8Array, ops: readonly string[]): Uint8Array {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const node = (graph.node ?? []).map((n) => (ops.includes(n.opType ?? '') ? { ...n, domain: MS_DOMAIN } : n));
  const opsetImport = [...(model.opsetImport ?? []), { domain: MS_DOMAIN, version: 1 }];
  return encodeModel({ ...model, opsetImport, graph: { ...graph, node } });
}
