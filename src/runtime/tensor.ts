/**
 * Tensors as project code sees them: plain host data, or a handle to a tensor that stays where its session runs
 * (the worker thread's memory, or a WebGPU buffer on the GPU). A handle carries no data and no onnxruntime object,
 * so nothing outside the runtime can read a device tensor by mistake (onnxruntime-node aborts the whole process when
 * `getData()` is called on a gpu-buffer tensor).
 */

/** Element types as onnxruntime names them. */
export type TensorElementType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string';

/** A tensor with its data on the host, as it crosses the thread boundary: no onnxruntime object. */
export interface PlainTensor {
  readonly kind?: 'plain';
  type: string;
  dims: readonly number[];
  data: ArrayBufferView | string[];
}

/** Where a kept tensor lives: in the memory of the thread that runs the sessions, or in a WebGPU buffer. */
export type TensorLocation = 'cpu' | 'gpu-buffer';

/** An opaque reference to a tensor kept where its session runs; only `InferenceBackend.read` brings its data over. */
export interface TensorHandle {
  readonly kind: 'handle';
  readonly id: number;
  readonly type: TensorElementType;
  readonly dims: readonly number[];
  readonly location: TensorLocation;
}

/** What a session input takes. */
export type Feed = PlainTensor | TensorHandle;

export const isHandle = (t: Feed | undefined): t is TensorHandle => t?.kind === 'handle';

const elementBytes: Record<string, number> = {
  float32: 4,
  float16: 2,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
};

/** Bytes of a tensor's data (0 for strings, which never go to a device). */
export function tensorBytes(t: { type: string; dims: readonly number[] }): number {
  return (elementBytes[t.type] ?? 0) * t.dims.reduce((a, b) => a * b, 1);
}

/** "float32 [1,4,64,64] on gpu-buffer", for messages. */
export function describeHandle(h: TensorHandle): string {
  return `tensor handle #${h.id} (${h.type} [${h.dims.join(',')}], ${h.location})`;
}

/** The plain tensor of an output, or an error naming it when a handle came back instead. */
export function plainOutput(out: Record<string, Feed>, name: string): PlainTensor {
  const t = out[name];
  if (!t) throw new Error(`the session has no output "${name}"`);
  if (isHandle(t)) throw new Error(`output "${name}" was kept as ${describeHandle(t)}; read it with runtime.read`);
  return t;
}
