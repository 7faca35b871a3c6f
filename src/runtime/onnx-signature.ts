import { fieldHeader, withFileReader } from './protobuf-fields';
import type { ReadAt } from './protobuf-fields';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Element types of graph inputs and outputs, named as onnxruntime names tensor types. */
export type TensorType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'float64' | 'unknown';

export interface ValueSignature {
  name: string;
  type: TensorType;
  /** Dimensions: numbers, symbolic names, or undefined where the graph leaves them open. */
  dims: (number | string | undefined)[];
}

export interface GraphSignature {
  inputs: ValueSignature[];
  outputs: ValueSignature[];
}

const typeNames: Record<number, TensorType> = {
  1: 'float32',
  2: 'uint8',
  6: 'int32',
  7: 'int64',
  10: 'float16',
  11: 'float64',
};

/**
 * The declared inputs and outputs of an ONNX model, read from a file or its bytes. The session wrapper exposes
 * only names, and decoding a whole 1.7 GB UNet to learn whether it wants float16 would cost seconds and gigabytes,
 * so this walks the protobuf by field headers and skips every initializer and node without reading it.
 */
export async function readSignature(model: string | Uint8Array): Promise<GraphSignature> {
  if (typeof model !== 'string') return scan(async (pos, len) => model.subarray(pos, pos + len), model.length);
  return withFileReader(model, scan);
}

async function scan(readAt: ReadAt, size: number): Promise<GraphSignature> {
  const graph = await findField(readAt, 0, size, 7);
  if (!graph) throw new Error('not an ONNX model: no graph');
  const sig: GraphSignature = { inputs: [], outputs: [] };
  let pos = graph.start;
  while (pos < graph.end) {
    const f = await fieldHeader(readAt, pos, graph.end);
    if (f.wire === 2 && (f.field === 11 || f.field === 12)) {
      const info = onnx.ValueInfoProto.decode(await readAt(f.dataStart, f.length));
      (f.field === 11 ? sig.inputs : sig.outputs).push(toSignature(info));
    }
    pos = f.next;
  }
  return sig;
}

function toSignature(info: onnxProto.onnx.ValueInfoProto): ValueSignature {
  const tensor = info.type?.tensorType;
  const dims = (tensor?.shape?.dim ?? []).map((d) => {
    if (d.dimParam) return d.dimParam;
    if (d.dimValue !== undefined && d.dimValue !== null) return Number(d.dimValue);
    return undefined;
  });
  return { name: info.name, type: typeNames[tensor?.elemType ?? 0] ?? 'unknown', dims };
}

async function findField(readAt: ReadAt, start: number, end: number, field: number) {
  let pos = start;
  while (pos < end) {
    const f = await fieldHeader(readAt, pos, end);
    if (f.field === field && f.wire === 2) return { start: f.dataStart, end: f.dataStart + f.length };
    pos = f.next;
  }
  return undefined;
}
