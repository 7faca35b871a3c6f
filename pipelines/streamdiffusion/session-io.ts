import type { InferenceBackend } from '../../src/runtime/backend';
import type { OrtSession } from '../../src/runtime/session';
import type { PlainTensor } from '../../src/runtime/tensor';
import { floatsToHalf, halfToFloats } from '../../src/runtime/half';
import { readSignature } from '../../src/runtime/onnx-signature';
import type { GraphSignature, TensorType } from '../../src/runtime/onnx-signature';
import { runnableModel } from '../../src/runtime/graph/lowered-cache';
import { bindRoles, freeDimensions, renamedSignature } from './tensor-roles';
import type { Network } from './tensor-roles';
import { renamedSession } from './renamed-session';
import { withLoraBranches } from '../../src/runtime/lora/lora-model-file';
import { withStrengths } from '../../src/runtime/lora/strength-session';
import type { LoraSet } from '../../src/runtime/lora/lora-set';

export type { LoraSet };

/** What a network file is opened as: its role (which decides the tensor names) and the sizes fixed for the load. */
export interface OpenAs {
  network: Network;
  /** How the file is named in sentences (`unet/model.onnx`). */
  label: string;
  /** The image size and constants that fix the file's free dimensions (none given: they stay free). */
  size?: { width: number; height: number; latentChannels: number; tokens: number };
  /** LoRAs to add as branches beside the MatMuls they match; their strengths are fed from `strengths`. */
  loras?: LoraSet;
}

/** A feed in the pipeline's own terms: float values or integer ids, whatever the graph declares. */
export interface Feed {
  data: Float32Array | Int32Array;
  dims: number[];
}

/**
 * A session that speaks float32 to the pipeline whatever the graph declares: float16 inputs are converted to
 * half bits, integer inputs to int32/int64, and every float output comes back as a Float32Array.
 */
export class TypedSession {
  private constructor(
    readonly session: OrtSession,
    readonly signature: GraphSignature,
  ) {}

  /**
   * Opens a model file or bytes, reading its declared signature alongside. A file goes through the op-set check
   * for the runtime's provider first: contrib operators the provider lacks are lowered (once, cached beside the
   * file), and a file that cannot run is refused with its sentence before any session is made. Opened `as` a
   * network, its inputs and outputs are bound to the pipeline's names (a file that does not fit is refused with a
   * sentence, before a session is made) and its free dimensions fixed where the load fixes them.
   */
  static async open(runtime: InferenceBackend, model: string | Uint8Array, as?: OpenAs): Promise<TypedSession> {
    const runnable = await runnableModel(runtime, model);
    if (!as) return new TypedSession(await runtime.createSession(runnable), await readSignature(runnable));
    // The branches go into the graph the provider runs (lowered, fused), so what they match is what runs.
    const branched = as.loras?.list.length
      ? await withLoraBranches(runnable, as.loras.list, as.loras.hashes, as.loras.keyPrefix)
      : { model: runnable, strengthInputs: [] as string[], matched: [] };
    if (as.loras?.list.length) as.loras.matched?.(as.label, branched.matched);
    const file = branched.model;
    const strength = new Set(branched.strengthInputs);
    const full = await readSignature(file);
    // The strength inputs are fed by the session itself: the roles see the graph as it was.
    const declared = { ...full, inputs: full.inputs.filter((i) => !strength.has(i.name)) };
    const binding = bindRoles(as.network, declared, as.label);
    const dims = as.size ? freeDimensions(as.network, renamedSignature(declared, binding), as.size) : {};
    const session = await runtime.createSession(file, Object.keys(dims).length > 0 ? { freeDimensions: dims } : {});
    const fed = as.loras ? withStrengths(session, branched.strengthInputs, as.loras.strengths) : session;
    return new TypedSession(renamedSession(fed, binding), renamedSignature(declared, binding));
  }

  has(input: string): boolean {
    return this.signature.inputs.some((i) => i.name === input);
  }

  inputType(name: string): TensorType {
    return this.signature.inputs.find((i) => i.name === name)?.type ?? 'float32';
  }

  outputType(name: string): TensorType {
    return this.signature.outputs.find((o) => o.name === name)?.type ?? 'float32';
  }

  get outputNames(): string[] {
    return this.signature.outputs.map((o) => o.name);
  }

  /** True when the graph's float inputs are float16 (an fp16 export). */
  get isHalf(): boolean {
    return this.signature.inputs.some((i) => i.type === 'float16');
  }

  async run(feeds: Record<string, Feed>): Promise<Record<string, Float32Array>> {
    const plain: Record<string, PlainTensor> = {};
    for (const [name, feed] of Object.entries(feeds)) plain[name] = convert(feed, this.inputType(name));
    const out = await this.session.run(plain);
    const result: Record<string, Float32Array> = {};
    for (const [name, t] of Object.entries(out)) result[name] = toFloats(t);
    return result;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** A feed as the tensor type a graph input declares. */
export function convert(feed: Feed, type: TensorType): PlainTensor {
  const { data, dims } = feed;
  switch (type) {
    case 'float16':
      return { type: 'float16', dims, data: floatsToHalf(data) };
    case 'int32':
      return { type: 'int32', dims, data: data instanceof Int32Array ? data : Int32Array.from(data, Math.round) };
    case 'int64':
      return { type: 'int64', dims, data: BigInt64Array.from(data, (v) => BigInt(Math.round(v))) };
    case 'float64':
      return { type: 'float64', dims, data: Float64Array.from(data) };
    default:
      return { type: 'float32', dims, data: data instanceof Float32Array ? data : Float32Array.from(data) };
  }
}

/** Any numeric output as floats. */
export function toFloats(t: PlainTensor): Float32Array {
  const data = t.data;
  if (data instanceof Float32Array) return data;
  if (t.type === 'float16' && data instanceof Uint16Array) return halfToFloats(data);
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  if (ArrayBuffer.isView(data) && 'length' in data) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new Error(`unexpected ${t.type} output`);
}
