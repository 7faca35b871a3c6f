/**
 * The one place the ar-video loop touches onnxruntime sessions and tensors. Everything else passes DeviceTensors
 * around and says which outputs to keep, read or release; where they live is this file's business.
 */
import type { OrtRuntime } from '../../src/runtime/ort';
import type { OrtSession, PlainTensor } from '../../src/runtime/worker-session';
import { readSignature } from '../streamdiffusion/onnx-signature';
import type { GraphSignature } from '../streamdiffusion/onnx-signature';
import { floatsToHalf, halfToFloats } from '../shared/half';

/** A tensor between two sessions of the loop. */
export type DeviceTensor = PlainTensor;

/** An opened graph with its declared inputs and outputs. */
export interface ArSession {
  readonly name: string;
  readonly signature: GraphSignature;
  readonly session: OrtSession;
}

/** Host<->device traffic of the loop, in bytes and copies. */
export interface Traffic {
  toDeviceBytes: number;
  toHostBytes: number;
}

export const tensorBytes = (t: PlainTensor) => (ArrayBuffer.isView(t.data) ? t.data.byteLength : 0);

/** Sessions of one loaded model, run through the runtime; counts what crosses between host and device. */
export class Device {
  private readonly sessions: ArSession[] = [];
  private readonly traffic: Traffic = { toDeviceBytes: 0, toHostBytes: 0 };

  constructor(private readonly runtime: OrtRuntime) {}

  /** Whether sessions run on a device other than the CPU (then feeds and host outputs are copies). */
  get onDevice(): boolean {
    return this.runtime.executionProvider !== 'cpu';
  }

  /** Opens a graph file or bytes; `name` is for errors and timings. */
  async open(name: string, model: string | Uint8Array): Promise<ArSession> {
    const signature = await readSignature(model);
    const session = await this.runtime.createSession(model);
    const s = { name, signature, session };
    this.sessions.push(s);
    return s;
  }

  /**
   * Runs a session. Outputs named in `keep` stay where they were made for the next session; the others come to
   * the host. Host feeds are copied to the device on a device provider.
   */
  async run(
    s: ArSession,
    feeds: Record<string, DeviceTensor>,
    keep: readonly string[] = [],
  ): Promise<Record<string, DeviceTensor>> {
    const out = await s.session.run(feeds);
    if (this.onDevice) {
      for (const t of Object.values(feeds)) this.traffic.toDeviceBytes += tensorBytes(t);
      for (const [name, t] of Object.entries(out)) if (!keep.includes(name)) this.traffic.toHostBytes += tensorBytes(t);
    }
    return out;
  }

  /** The values of a tensor on the host. */
  async read(t: DeviceTensor): Promise<PlainTensor> {
    return t;
  }

  /** Frees tensors kept on the device. */
  async release(tensors: readonly (DeviceTensor | undefined)[]): Promise<void> {
    void tensors;
  }

  /** Bytes copied between host and device so far. */
  transfers(): Traffic {
    return { ...this.traffic };
  }

  /** Releases every session opened here. */
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
