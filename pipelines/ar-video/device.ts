/**
 * The one place the ar-video loop touches onnxruntime sessions and tensors. Everything else passes DeviceTensors
 * around and says which outputs to keep, read or release: kept outputs are the runtime's tensor handles, which stay
 * where the sessions run (a GPU buffer on WebGPU, the worker's memory on the CPU), so the KV cache, the latents and
 * the VAE state never cross to the host nor the worker boundary from block to block.
 */
import type { InferenceBackend } from '../../src/runtime/backend';
import { readSignature } from '../../src/runtime/onnx-signature';
import { runnableModel } from '../../src/runtime/graph/lowered-cache';
import type { GraphSignature } from '../../src/runtime/onnx-signature';
import type { OrtSession } from '../../src/runtime/session';
import { isHandle, tensorBytes } from '../../src/runtime/tensor';
import type { Feed, PlainTensor, TensorHandle } from '../../src/runtime/tensor';
import { floatsToHalf, halfToFloats } from '../../src/runtime/half';
import { withLoraBranches } from '../../src/runtime/lora/lora-model-file';
import type { LoraSet } from '../../src/runtime/lora/lora-set';
import { withStrengths } from '../../src/runtime/lora/strength-session';

/** A tensor between two sessions of the loop: a handle to a kept output, or host data. */
export type DeviceTensor = Feed;

export { tensorBytes };

/** An opened graph with its declared inputs and outputs. */
export interface ArSession {
  readonly name: string;
  readonly signature: GraphSignature;
  readonly session: OrtSession;
}

/** Host<->device traffic of the loop, in bytes. */
export interface Traffic {
  toDeviceBytes: number;
  toHostBytes: number;
}

/** Sessions of one loaded model, run through the runtime, and the tensors they keep. */
export class Device {
  private readonly sessions: ArSession[] = [];

  constructor(private readonly runtime: InferenceBackend) {}

  /**
   * Opens a graph file or bytes; `hostOutputs` always come to the host (finished frames, a text context). A file
   * goes through the op-set check first (lowered at load where the provider lacks an operator, or refused with its
   * sentence). With `loras`, their branches go beside the MatMuls they match and the session feeds their strengths;
   * the signature is the graph's without the strength inputs.
   */
  async open(
    name: string,
    model: string | Uint8Array,
    hostOutputs: readonly string[] = [],
    loras?: LoraSet,
  ): Promise<ArSession> {
    const runnable = await runnableModel(this.runtime, model);
    const branched = loras ? await withLoraBranches(runnable, loras.list, loras.hashes) : undefined;
    if (loras && branched) loras.matched?.(name, branched.matched);
    const file = branched?.model ?? runnable;
    const inputs = new Set(branched?.strengthInputs ?? []);
    const full = await readSignature(file);
    const signature = { ...full, inputs: full.inputs.filter((i) => !inputs.has(i.name)) };
    const created = await this.runtime.createSession(file, { hostOutputs });
    const session = loras ? withStrengths(created, [...inputs], loras.strengths) : created;
    const s = { name, signature, session };
    this.sessions.push(s);
    return s;
  }

  /**
   * Runs a session. Outputs named in `keep` stay where they were made, as handles for the next session; the
   * others come to the host. Host feeds are copied to the device on a device provider (the runtime counts it).
   */
  async run(
    s: ArSession,
    feeds: Record<string, DeviceTensor>,
    keep: readonly string[] = [],
  ): Promise<Record<string, DeviceTensor>> {
    if (keep.length === 0) return s.session.run(feeds);
    return s.session.run(feeds, { keep });
  }

  /** Keeps a host tensor where the sessions run, for data several runs read (crosses to the device once). */
  upload(t: PlainTensor): Promise<TensorHandle> {
    return this.runtime.upload(t);
  }

  /** The values of a tensor on the host (a download when it is in a GPU buffer). */
  async read(t: DeviceTensor): Promise<PlainTensor> {
    return isHandle(t) ? this.runtime.read(t) : t;
  }

  /** Frees kept tensors; host tensors and undefined are skipped. */
  async release(tensors: readonly (DeviceTensor | undefined)[]): Promise<void> {
    const handles = tensors.filter((t): t is TensorHandle => isHandle(t));
    if (handles.length > 0) await this.runtime.release(handles);
  }

  /** Bytes copied between host and device so far, by every session of the runtime. */
  transfers(): Traffic {
    const t = this.runtime.transfers();
    return { toDeviceBytes: t.toDeviceBytes, toHostBytes: t.toHostBytes };
  }

  /** Releases every session opened here (and with them every tensor they kept). */
  async close(): Promise<void> {
    await Promise.allSettled(this.sessions.splice(0).map((s) => s.session.release()));
  }
}

/** A float tensor of the export's element type from float32 values (float16 exports take half bits). */
export function floatTensor(data: Float32Array, dims: number[], type: 'float32' | 'float16'): PlainTensor {
  return type === 'float16' ? { type, dims, data: floatsToHalf(data) } : { type, dims, data };
}

/** Float32 values of a float tensor read from a session. */
export function floatValues(t: PlainTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.type === 'float16' && t.data instanceof Uint16Array) return halfToFloats(t.data);
  throw new Error(`expected a float tensor, got ${t.type}`);
}

export const f32 = (values: ArrayLike<number>, dims: number[]): PlainTensor => ({
  type: 'float32',
  dims,
  data: Float32Array.from(values),
});

export const i64 = (values: ArrayLike<number>, dims: number[] = [values.length]): PlainTensor => ({
  type: 'int64',
  dims,
  data: BigInt64Array.from(Array.from(values, (v) => BigInt(v))),
});
