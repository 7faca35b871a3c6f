/**
 * The ControlNets of a loaded model, run each frame before the UNet on the UNet's own batch: each active one
 * (scale ≠ 0) turns the noisy latents, timesteps, text embeddings and the control image into 13 residuals, which
 * are summed with their scales and fed to the ControlNet UNet. With no control image or every scale 0 the UNet
 * gets zeros, which leave its prediction as the plain UNet's, and no ControlNet runs.
 */
import type { Image } from '../../../src/engine/frame';
import type { InferenceBackend } from '../../../src/runtime/backend';
import type { OrtSession } from '../../../src/runtime/session';
import type { PlainTensor, TensorHandle } from '../../../src/runtime/tensor';
import { imageToTensor } from '../../shared/pixels';
import { convert, TypedSession } from '../session-io';
import type { Feed } from '../session-io';
import { buildCombine, partName } from './combine-graph';
import { buildControlImage } from './control-image-graph';
import type { TensorType } from '../../../src/runtime/onnx-signature';
import { CONTROL_IMAGE, levelSize, residualNames, residualShapes } from './residuals';

export interface ControlNetFile {
  /** The parameter's name for it (`depth`). */
  name: string;
  path: string;
}

/** Residuals for a device-side UNet call; `owned` ones are the caller's to release, the others are cached. */
export interface DeviceResiduals {
  handles: Record<string, TensorHandle>;
  owned: boolean;
}

const NET_INPUTS = ['sample', 'timestep', 'encoder_hidden_states'] as const;

export class ControlStage {
  private image: Image | undefined;
  private scales: number[] = [];
  private readonly graphs = new Map<string, Promise<OrtSession>>();
  private readonly zeros = new Map<number, Record<string, TensorHandle>>();

  private constructor(
    private readonly runtime: InferenceBackend,
    private readonly nets: { name: string; session: TypedSession }[],
    private readonly unet: TypedSession,
    private readonly width: number,
    private readonly height: number,
  ) {}

  /**
   * Opens each ControlNet file for `unet` (the ControlNet UNet); refuses, with a sentence, a file that lacks the
   * residual outputs or the control image input, or whose element types differ from the UNet's.
   */
  static async open(
    runtime: InferenceBackend,
    files: ControlNetFile[],
    unet: TypedSession,
    size: { width: number; height: number },
  ): Promise<ControlStage> {
    const missing = residualNames.filter((n) => !unet.has(n));
    if (missing.length > 0) throw new Error(`the ControlNet UNet has no input ${missing.join(', ')}`);
    const nets: { name: string; session: TypedSession }[] = [];
    try {
      for (const f of files) {
        const session = await TypedSession.open(runtime, f.path);
        nets.push({ name: f.name, session });
        const lacks = [CONTROL_IMAGE, ...NET_INPUTS].filter((n) => !session.has(n));
        const noOut = residualNames.filter((n) => !session.outputNames.includes(n));
        if (lacks.length > 0 || noOut.length > 0) {
          throw new Error(
            `ControlNet ${f.name} (${f.path}) does not fit: ${[...lacks.map((n) => `no input ${n}`), ...noOut.map((n) => `no output ${n}`)].join(', ')}`,
          );
        }
        for (const n of NET_INPUTS) {
          if (session.inputType(n) !== unet.inputType(n)) {
            throw new Error(
              `ControlNet ${f.name} takes ${n} as ${session.inputType(n)} but the UNet as ${unet.inputType(n)}: export both at one precision`,
            );
          }
        }
      }
    } catch (err) {
      await Promise.allSettled(nets.map((n) => n.session.release()));
      throw err;
    }
    return new ControlStage(runtime, nets, unet, size.width, size.height);
  }

  /** The names of the ControlNets, in parameter order. */
  get names(): string[] {
    return this.nets.map((n) => n.name);
  }

  /** This frame's control image (undefined: none, the UNet gets zeros) and each ControlNet's scale. */
  setFrame(image: Image | undefined, scales: number[]): void {
    this.image = image;
    this.scales = scales;
  }

  /** The ControlNets that run this frame, with their scales. */
  private active(): { session: TypedSession; scale: number }[] {
    if (!this.image) return [];
    return this.nets
      .map((n, i) => ({ session: n.session, scale: this.scales[i] ?? 0 }))
      .filter((n) => n.scale !== 0 && Number.isFinite(n.scale));
  }

  /** [b, 3, H, W] in [0, 1], as diffusers feeds a control image. */
  private controlImage(b: number): Feed {
    const one = imageToTensor(this.image!, this.width, this.height);
    const data = new Float32Array(b * one.length);
    for (let i = 0; i < one.length; i++) data[i] = (one[i]! + 1) / 2;
    for (let k = 1; k < b; k++) data.copyWithin(k * one.length, 0, one.length);
    return { data, dims: [b, 3, this.height, this.width] };
  }

  /** The summed residuals for a host-side UNet call on `feeds` (sample, timestep, encoder_hidden_states). */
  async host(feeds: Record<string, Feed>, b: number): Promise<Record<string, Feed>> {
    const active = this.active();
    const dims = this.dims(b);
    const sums = residualNames.map((_, i) => new Float32Array(dims[i]!.reduce((a, c) => a * c, 1)));
    if (active.length > 0) {
      const cond = this.controlImage(b);
      for (const { session, scale } of active) {
        const out = await session.run({ ...pick(feeds), [CONTROL_IMAGE]: cond });
        residualNames.forEach((name, i) => {
          const r = out[name]!;
          const sum = sums[i]!;
          if (r.length !== sum.length)
            throw new Error(`ControlNet residual ${name} has ${r.length} values, expected ${sum.length}`);
          for (let j = 0; j < r.length; j++) sum[j]! += scale * r[j]!;
        });
      }
    }
    return Object.fromEntries(residualNames.map((name, i) => [name, { data: sums[i]!, dims: dims[i]! }]));
  }

  /** The summed residuals for a device-side UNet call, the ControlNets fed the UNet's own handles. */
  async device(feeds: Record<string, TensorHandle>, b: number): Promise<DeviceResiduals> {
    const active = this.active();
    if (active.length === 0) return { handles: await this.zeroHandles(b), owned: false };
    const temps: TensorHandle[] = [];
    try {
      const inHalf = active[0]!.session.outputType(residualNames[0]!) === 'float16';
      const cond = await this.controlHandle(b, active[0]!.session.inputType(CONTROL_IMAGE));
      temps.push(cond);
      const parts: Record<string, TensorHandle | PlainTensor> = {
        scales: { type: 'float32', dims: [active.length], data: Float32Array.from(active.map((a) => a.scale)) },
      };
      for (const [k, { session }] of active.entries()) {
        const out = await session.session.run({ ...pick(feeds), [CONTROL_IMAGE]: cond }, { keep: residualNames });
        for (const name of residualNames) {
          temps.push(out[name]!);
          parts[partName(name, k)] = out[name]!;
        }
      }
      const combine = await this.combine(active.length, inHalf);
      const summed = await combine.run(parts, { keep: residualNames });
      return { handles: Object.fromEntries(residualNames.map((n) => [n, summed[n]!])), owned: true };
    } finally {
      await this.runtime.release(temps).catch(() => {});
    }
  }

  /** The control image as a handle: converted on the device from its RGBA bytes when it has the output size. */
  private async controlHandle(b: number, type: TensorType): Promise<TensorHandle> {
    const image = this.image!;
    const { width, height } = this;
    if (image.width !== width || image.height !== height || (type !== 'float16' && type !== 'float32')) {
      return this.runtime.upload(convert(this.controlImage(b), type));
    }
    const half = type === 'float16';
    const graph = await this.graph(`image:${b}:${half}`, () => buildControlImage(width, height, b, half));
    const rgba: PlainTensor = { type: 'uint8', dims: [height, width, 4], data: image.data };
    return (await graph.run({ rgba }, { keep: [CONTROL_IMAGE] }))[CONTROL_IMAGE];
  }

  private combine(count: number, inHalf: boolean): Promise<OrtSession> {
    const outHalf = this.unet.inputType(residualNames[0]!) === 'float16';
    return this.graph(`combine:${count}:${inHalf}:${outHalf}`, () => buildCombine({ count, inHalf, outHalf }));
  }

  /** A graph's session, built and opened on first use; one that failed to open is built again next time. */
  private graph(key: string, build: () => Uint8Array): Promise<OrtSession> {
    let s = this.graphs.get(key);
    if (!s) {
      s = this.runtime.createSession(build());
      s.catch(() => this.graphs.delete(key));
      this.graphs.set(key, s);
    }
    return s;
  }

  /** Dims of each residual for a batch of `b`: the UNet's declared channels at each residual's level. */
  private dims(b: number): number[][] {
    const [lh, lw] = [this.height / 8, this.width / 8];
    return residualShapes().map(({ name, level }) => {
      const channels = this.unet.signature.inputs.find((i) => i.name === name)!.dims[1];
      if (typeof channels !== 'number') throw new Error(`the ControlNet UNet's ${name} has no fixed channel count`);
      return [b, channels, levelSize(lh, level), levelSize(lw, level)];
    });
  }

  private async zeroHandles(b: number): Promise<Record<string, TensorHandle>> {
    const cached = this.zeros.get(b);
    if (cached) return cached;
    const dims = this.dims(b);
    const handles: Record<string, TensorHandle> = {};
    for (const [i, name] of residualNames.entries()) {
      const size = dims[i]!.reduce((a, c) => a * c, 1);
      handles[name] = await this.runtime.upload(
        convert({ data: new Float32Array(size), dims: dims[i]! }, this.unet.inputType(name)),
      );
    }
    this.zeros.set(b, handles);
    return handles;
  }

  async release(): Promise<void> {
    const zeros = [...this.zeros.values()].flatMap((h) => Object.values(h));
    this.zeros.clear();
    await this.runtime.release(zeros).catch(() => {});
    const graphs = [...this.graphs.values()];
    this.graphs.clear();
    await Promise.allSettled(graphs.map(async (s) => (await s).release()));
    await Promise.allSettled(this.nets.map((n) => n.session.release()));
  }
}

function pick<T>(feeds: Record<string, T>): Record<string, T> {
  return Object.fromEntries(NET_INPUTS.map((n) => [n, feeds[n]!]));
}
