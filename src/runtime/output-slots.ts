/**
 * Run outputs written by onnxruntime straight into shared memory (the child process's replies' ring): before a
 * run, each host output of a static shape gets a slot there and is handed to onnxruntime as the output's memory,
 * so the frame is never copied in the child. Outputs of a dynamic shape, kept ones and GPU buffers run as
 * allocated, and so do all outputs of a session where onnxruntime ignores the memory given (`preallocatesOutputs`)
 * or that refused it once.
 */
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { SHARED_MIN_BYTES } from './shared-frames';
import type { WireShared } from './shared-frames';

/**
 * Where a host output of `byteLength` bytes may be written by onnxruntime itself (shared memory the server reads),
 * and its wire form once written; undefined when there is no room (the output is allocated as usual).
 */
export type OutputSlots = (
  byteLength: number,
) =>
  { bytes: Uint8Array; wire: (t: { type: string; dims: readonly number[]; array: string }) => WireShared } | undefined;

/** What a session must tell about itself for its outputs to get slots. */
export interface SlotSession {
  session: InferenceSession;
  /** Outputs onnxruntime puts on the host (on a CPU session, all of them). */
  hostOutputs: ReadonlySet<string>;
  /** False once a run into slots was refused. */
  direct: boolean;
}

type SlotArray = Float32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Int32Array | BigInt64Array;
/** Typed arrays onnxruntime uses for each numeric tensor type (float16 rides in a Uint16Array). */
const slotArrays: Partial<
  Record<string, { new (b: ArrayBufferLike, offset: number, length: number): SlotArray; BYTES_PER_ELEMENT: number }>
> = {
  float32: Float32Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  float16: Uint16Array,
  int32: Int32Array,
  int64: BigInt64Array,
};

/**
 * Whether onnxruntime-node writes a run's outputs into the tensors given to it as fetches, for a session made with
 * these preferred output locations. With any output kept off the host (WebGPU's 'gpu-buffer'), onnxruntime-node
 * 1.30 runs the session through an IO binding that binds each output by its location alone: a tensor given for an
 * output is left untouched and the run returns memory of its own (output-slots.test.ts shows it). With every output
 * on the host it runs without the binding, as on the CPU, and writes into the tensors given.
 */
export function preallocatesOutputs(locations: InferenceSession.SessionOptions['preferredOutputLocation']): boolean {
  const each = typeof locations === 'object' ? Object.values(locations) : [locations ?? 'cpu'];
  return each.every((l) => l === 'cpu');
}

export type PreparedSlot = NonNullable<ReturnType<OutputSlots>> & { data: SlotArray; tensor: Tensor };

/**
 * Slots for the outputs of this run that onnxruntime can write itself: host outputs not kept, of a static shape
 * and a numeric type, big enough to be worth it. Undefined when none.
 */
export function outputSlots(
  ort: typeof OrtModule,
  s: SlotSession,
  keep: ReadonlySet<string>,
  take: OutputSlots,
): Map<string, PreparedSlot> | undefined {
  const slots = new Map<string, PreparedSlot>();
  for (const meta of s.session.outputMetadata) {
    if (!meta.isTensor || keep.has(meta.name) || !s.hostOutputs.has(meta.name)) continue;
    const Ctor = slotArrays[meta.type];
    const dims = meta.shape;
    if (!Ctor || !dims.every((d): d is number => typeof d === 'number' && d >= 0)) continue;
    const count = dims.reduce((a, b) => a * b, 1);
    const bytes = count * Ctor.BYTES_PER_ELEMENT;
    if (bytes < SHARED_MIN_BYTES) continue;
    // No room: this output (and the rest) is allocated, and goes through the pipe or the ring after the run.
    const slot = take(bytes);
    if (!slot) break;
    const data = new Ctor(slot.bytes.buffer, slot.bytes.byteOffset, count);
    slots.set(meta.name, { ...slot, data, tensor: new ort.Tensor(meta.type as 'float32', data as Float32Array, dims) });
  }
  return slots.size > 0 ? slots : undefined;
}

/** Runs with the slots as the outputs' memory; a session that refuses that runs as allocated from then on. */
export async function runInto(
  s: SlotSession,
  feeds: Record<string, Tensor>,
  slots: Map<string, PreparedSlot> | undefined,
): Promise<InferenceSession.ReturnType> {
  if (!slots) return s.session.run(feeds);
  // Every output is fetched; null lets onnxruntime allocate it.
  const fetches = Object.fromEntries(s.session.outputNames.map((n) => [n, slots.get(n)?.tensor ?? null]));
  try {
    return await s.session.run(feeds, fetches);
  } catch {
    // Run again as allocated: if that fails too, the error was the run's own, not the slots'.
    const out = await s.session.run(feeds);
    s.direct = false;
    return out;
  }
}
