/**
 * A model's graph without its weights: opset imports, nodes (with their subgraphs), inputs, outputs and value_info,
 * read by walking the protobuf field headers and skipping every initializer unread. The op-set check needs only
 * this, and an Olive UNet keeps 1.7 GB of float16 weights inside the graph file: decoding all of it to list a few
 * hundred nodes would cost seconds and gigabytes at every load.
 */
import { open } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import type { Graph, Model } from './onnx-model';

const { onnx } = onnxProto;

type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

/** ModelProto field numbers (onnx.proto): ir_version 1, opset_import 8, graph 7. */
const MODEL_OPSET = 8;
const MODEL_GRAPH = 7;
/** GraphProto: node 1, name 2, initializer 5, input 11, output 12, value_info 13. */
const GRAPH_NODE = 1;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const GRAPH_VALUE_INFO = 13;

export async function readGraphSkeleton(path: string): Promise<Model> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    return await scan(async (pos, len) => {
      const buf = new Uint8Array(Math.max(0, Math.min(len, size - pos)));
      await file.read(buf, 0, buf.length, pos);
      return buf;
    }, size);
  } finally {
    await file.close();
  }
}

async function scan(readAt: ReadAt, size: number): Promise<Model> {
  const model: Model = { opsetImport: [] };
  let graphAt: { start: number; end: number } | undefined;
  for (let pos = 0; pos < size;) {
    const f = await header(readAt, pos, size);
    if (f.wire === 2 && f.field === MODEL_OPSET) {
      model.opsetImport!.push(onnx.OperatorSetIdProto.decode(await readAt(f.dataStart, f.length)));
    } else if (f.wire === 2 && f.field === MODEL_GRAPH) graphAt = { start: f.dataStart, end: f.dataStart + f.length };
    pos = f.next;
  }
  if (!graphAt) throw new Error('not an ONNX model: no graph');
  const graph: Graph = { node: [], input: [], output: [], valueInfo: [] };
  for (let pos = graphAt.start; pos < graphAt.end;) {
    const f = await header(readAt, pos, graphAt.end);
    if (f.wire === 2) {
      if (f.field === GRAPH_NODE) graph.node!.push(onnx.NodeProto.decode(await readAt(f.dataStart, f.length)));
      else if (f.field === GRAPH_INPUT)
        graph.input!.push(onnx.ValueInfoProto.decode(await readAt(f.dataStart, f.length)));
      else if (f.field === GRAPH_OUTPUT)
        graph.output!.push(onnx.ValueInfoProto.decode(await readAt(f.dataStart, f.length)));
      else if (f.field === GRAPH_VALUE_INFO)
        graph.valueInfo!.push(onnx.ValueInfoProto.decode(await readAt(f.dataStart, f.length)));
    }
    pos = f.next;
  }
  return { ...model, graph };
}

/** One field header: number, wire type, where its payload starts and where the next field starts. */
async function header(readAt: ReadAt, pos: number, end: number) {
  const bytes = await readAt(pos, 24);
  let i = 0;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (i >= bytes.length) throw new Error('not an ONNX model: truncated field');
      const b = bytes[i++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  const tag = varint();
  const field = Math.floor(tag / 8);
  const wire = tag & 7;
  let length = 0;
  if (wire === 0) varint();
  else if (wire === 1) i += 8;
  else if (wire === 5) i += 4;
  else if (wire === 2) length = varint();
  else throw new Error(`not an ONNX model: protobuf wire type ${wire}`);
  const dataStart = pos + i;
  const next = dataStart + length;
  if (field === 0 || next > end) throw new Error('not an ONNX model: a field runs past the end of the file');
  return { field, wire, dataStart, length, next };
}
