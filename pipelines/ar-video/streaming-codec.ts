/**
 * A causal, stateful VAE half (decoder or encoder) of the contract: each call takes the next chunk of frames and
 * the state the previous call left (`state_in.*` -> `state_out.*`), which stays on the device between calls. The
 * stream's first chunk goes through the `first` graph where the export has one (the Wan VAE treats it apart),
 * else through the steady graph from zero state; `trim` drops the first frames of the stream (TAEHV).
 */
import { join } from 'node:path';
import { assertContract, decoderSpec, encoderSpec, stateNames } from './contract';
import type { GraphSpec } from './contract';
import type { ArSession, Device, DeviceTensor } from './device';
import { floatValues } from './device';
import type { ExportConfig } from './export-config';
import type { DeviceOps } from './ops';

export interface CodecFiles {
  file: string;
  first?: string | undefined;
  trim?: number;
}

export class StreamingCodec {
  private state: Record<string, DeviceTensor> | undefined;
  private trimLeft: number;

  private constructor(
    private readonly device: Device,
    private readonly ops: DeviceOps,
    private readonly steady: ArSession,
    private readonly first: ArSession | undefined,
    private readonly io: { input: string; output: string },
    private readonly trim: number,
  ) {
    this.trimLeft = trim;
  }

  /** Opens a decoder (latents -> frames) or an encoder (frames -> latents), checking both graphs' contracts. */
  static async open(
    device: Device,
    ops: DeviceOps,
    dir: string,
    files: CodecFiles,
    kind: 'decoder' | 'encoder',
    c: ExportConfig,
  ): Promise<StreamingCodec> {
    const spec = (first: boolean): GraphSpec => (kind === 'decoder' ? decoderSpec(c, first) : encoderSpec(c, first));
    const open = async (file: string, first: boolean) => {
      const s = await device.open(`${kind} ${file}`, join(dir, file), kind === 'decoder' ? ['frames'] : []);
      assertContract(file, s.signature, spec(first), c.dtype);
      return s;
    };
    const steady = await open(files.file, false);
    const first = files.first ? await open(files.first, true) : undefined;
    if (first) {
      const made = first.signature.outputs.filter((o) => o.name.startsWith('state_out.'));
      const wanted = stateNames(steady.signature);
      const missing = wanted.filter((n) => !made.some((o) => o.name === `state_out.${n}`));
      if (missing.length > 0) {
        throw new Error(`${files.first} does not start the state ${files.file} takes: no ${missing.join(', ')}`);
      }
    }
    const io = kind === 'decoder' ? { input: 'latents', output: 'frames' } : { input: 'frames', output: 'latents' };
    return new StreamingCodec(device, ops, steady, first, io, files.trim ?? 0);
  }

  /** Frames the steady graph takes per call when it declares a fixed number, else undefined (any). */
  get chunk(): number | undefined {
    const d = this.steady.signature.inputs.find((i) => i.name === this.io.input)?.dims[1];
    return typeof d === 'number' ? d : undefined;
  }

  /** Starts a new stream: the state is dropped and the next call is a first chunk. */
  async reset(): Promise<void> {
    await this.device.release(Object.values(this.state ?? {}));
    this.state = undefined;
    this.trimLeft = this.trim;
  }

  /** Runs one chunk; the output stays on the device when `keepOutput`, else it comes to the host. */
  async step(input: DeviceTensor, keepOutput: boolean): Promise<DeviceTensor> {
    const names = stateNames(this.steady.signature);
    const keep = [...names.map((n) => `state_out.${n}`), ...(keepOutput ? [this.io.output] : [])];
    let out: Record<string, DeviceTensor>;
    if (!this.state && this.first) {
      out = await this.device.run(this.first, { [this.io.input]: input }, keep);
    } else {
      this.state ??= await this.zeroState(names);
      const feeds: Record<string, DeviceTensor> = { [this.io.input]: input };
      for (const n of names) feeds[`state_in.${n}`] = this.state[n]!;
      out = await this.device.run(this.steady, feeds, keep);
      await this.device.release(Object.values(this.state));
    }
    this.state = Object.fromEntries(names.map((n) => [n, out[`state_out.${n}`]!]));
    return out[this.io.output]!;
  }

  /** Decodes a block of latent frames into pixel frames on the host ([3, H, W] each, in [-1, 1]). */
  async decode(latents: DeviceTensor, frames: number): Promise<Float32Array[]> {
    const chunk = this.chunk ?? frames;
    const out: Float32Array[] = [];
    for (let start = 0; start < frames; start += chunk) {
      const part =
        chunk === frames ? latents : await this.ops.gather(latents, range(start, Math.min(frames, start + chunk)));
      const decoded = await this.device.read(await this.step(part, false));
      if (part !== latents) await this.device.release([part]);
      out.push(...splitFrames(floatValues(decoded), decoded.dims));
    }
    const dropped = Math.min(this.trimLeft, out.length);
    this.trimLeft -= dropped;
    return out.slice(dropped);
  }

  private zeroState(names: string[]): Promise<Record<string, DeviceTensor>> {
    const shapes = names.map((n) => {
      const dims = this.steady.signature.inputs.find((i) => i.name === `state_in.${n}`)!.dims as number[];
      return { name: n, dims };
    });
    return this.ops.zeros(shapes);
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** [1, T, 3, H, W] values -> T frames of [3, H, W]. */
function splitFrames(values: Float32Array, dims: readonly number[]): Float32Array[] {
  const count = dims[1] ?? 1;
  const size = values.length / count;
  return Array.from({ length: count }, (_, i) => values.subarray(i * size, (i + 1) * size));
}
