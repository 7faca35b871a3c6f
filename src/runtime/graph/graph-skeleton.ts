/**
 * A model's graph without reading its weights, by walking the protobuf field headers: every field but the
 * initializers is decoded as usual (they are small: nodes, inputs, opsets), and an initializer is either skipped
 * (the op-set check needs none) or turned into a reference to where its bytes already sit in the file (a lowering
 * pass rewrites nodes only, so the lowered copy can point at the original file's weights instead of copying them).
 * An Olive UNet keeps 1.7 GB of float16 weights inside the graph file: decoding them to list a few hundred nodes,
 * or copying them into a lowered twin, would cost seconds and gigabytes at every load.
 */
import { basename } from 'node:path';
import onnxProto from 'onnx-proto';
import type { Model, Tensor } from './onnx-model';
import { fieldHeader, withFileReader } from '../protobuf-fields';
import type { Field, ReadAt } from '../protobuf-fields';

const { onnx } = onnxProto;

/** Field numbers of onnx.proto: ModelProto.graph, GraphProto.initializer, TensorProto.raw_data. */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
/** Smaller tensors are read whole: a reference costs more than their bytes. */
const REFERENCE_FROM = 4096;

/** The model with no initializers: what the op-set check reads. */
export function readGraphSkeleton(path: string): Promise<Model> {
  return withFileReader(path, (readAt, size) => scan(readAt, size, path, false));
}

/**
 * The whole model, with each large embedded initializer replaced by an external-data reference to its bytes in
 * `path` itself (location = the file's name, so a copy written beside it finds them).
 */
export function readModelReferencingWeights(path: string): Promise<Model> {
  return withFileReader(path, (readAt, size) => scan(readAt, size, path, true));
}

async function scan(readAt: ReadAt, size: number, path: string, reference: boolean): Promise<Model> {
  const modelFields = await fields(readAt, 0, size);
  const graphField = modelFields.find((f) => f.field === MODEL_GRAPH && f.wire === 2);
  if (!graphField) throw new Error('not an ONNX model: no graph');
  const model = onnx.ModelProto.decode(
    await bytesOf(
      readAt,
      modelFields.filter((f) => f !== graphField),
    ),
  );
  const graphFields = await fields(readAt, graphField.dataStart, graphField.next);
  const isInitializer = (f: Field) => f.field === GRAPH_INITIALIZER && f.wire === 2;
  const graph = onnx.GraphProto.decode(
    await bytesOf(
      readAt,
      graphFields.filter((f) => !isInitializer(f)),
    ),
  );
  if (reference) {
    graph.initializer = [];
    for (const f of graphFields.filter(isInitializer)) graph.initializer.push(await initializer(readAt, f, path));
  }
  return { ...model, graph };
}

/** One initializer: decoded whole when small, else everything but raw_data plus a reference to it. */
async function initializer(readAt: ReadAt, f: Field, path: string): Promise<Tensor> {
  const tensorFields = await fields(readAt, f.dataStart, f.next);
  const raw = tensorFields.find((t) => t.field === TENSOR_RAW_DATA && t.wire === 2);
  if (!raw || raw.length < REFERENCE_FROM) return onnx.TensorProto.decode(await readAt(f.dataStart, f.length));
  const tensor = onnx.TensorProto.decode(
    await bytesOf(
      readAt,
      tensorFields.filter((t) => t !== raw),
    ),
  );
  return {
    ...tensor,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: basename(path) },
      { key: 'offset', value: String(raw.dataStart) },
      { key: 'length', value: String(raw.length) },
    ],
  };
}

/** The encoded bytes of these fields, concatenated: protobuf fields are independent, so this is a message. */
async function bytesOf(readAt: ReadAt, list: Field[]): Promise<Uint8Array> {
  const parts = await Promise.all(list.map((f) => readAt(f.start, f.next - f.start)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function fields(readAt: ReadAt, start: number, end: number): Promise<Field[]> {
  const list: Field[] = [];
  for (let pos = start; pos < end;) {
    const f = await fieldHeader(readAt, pos, end);
    list.push(f);
    pos = f.next;
  }
  return list;
}
