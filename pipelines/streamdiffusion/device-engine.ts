import type { DeviceFormat, Image } from '../../src/engine/frame';
import type { InFlightFrame } from '../../src/engine/pipeline';
import type { InferenceBackend } from '../../src/runtime/backend';
import type { OrtSession } from '../../src/runtime/session';
import type { PlainTensor, TensorHandle } from '../../src/runtime/tensor';
import type { Conditioning } from '../shared/blend';
import { VAE_FACTOR } from './diffusion-model';
import { LATENT_CHANNELS } from './open-networks';
import type { DiffusionModel } from './diffusion-model';
import type { FrameEngine, FrameRequest } from './host-engine';
import { imageToTensor } from '../shared/pixels';
import type { Stage } from './schedule';
import { convert } from './session-io';
import { buildFrameGraph } from './frame-graph';
import { buildFiniteCheck, buildFromRgba, buildPrepare, buildUpdate } from './stream-graphs';
import { nanMessage } from './load-guards';
import { activeCfg, negativesOf } from './stream-batch';
import type { Guidance } from './stream-batch';
import { concat, sameValues } from './float-arrays';
import type { Timings } from '../shared/timings';

/** The frames in flight, as handles: latents waiting at stages 1..n-1 and their stock noises (RCFG). */
interface Fifo {
  x: TensorHandle;
  stock: TensorHandle;
}

/**
 * The stream batch with every tensor between the networks kept where the sessions run (GPU buffers on WebGPU):
 * input image up as RGBA bytes, then encoder -> prepare -> UNet -> update -> decoder -> RGBA on the device, and
 * the finished frame down as RGBA bytes. Conditioning, noise and timesteps go up once and are fed as handles
 * until they change.
 */
export class DeviceEngine implements FrameEngine {
  private readonly graphs = new Map<string, Promise<OrtSession>>();
  private stages: Stage[] = [];
  private noiseArrays: Float32Array[] = [];
  private noise: TensorHandle | undefined;
  private fifo: Fifo | undefined;
  private cond: { key: Float32Array[]; handles: Record<string, TensorHandle> } | undefined;
  private timesteps: { key: string; handle: TensorHandle } | undefined;
  /** Set once a decoded frame had no NaN; until then each is checked on the device (four bytes come back). */
  private decodedFinite = false;

  constructor(
    private readonly runtime: InferenceBackend,
    private readonly model: DiffusionModel,
    private readonly width: number,
    private readonly height: number,
    private readonly timings: Timings,
    /** Layouts made on the device beside the RGBA, for the outputs that send them (see frame-graph.ts). */
    private readonly formats: readonly DeviceFormat[] = [],
  ) {}

  async reset(stages: Stage[], noise: Float32Array[]): Promise<void> {
    await this.drop(this.fifo ? [this.fifo.x, this.fifo.stock] : []);
    this.fifo = undefined;
    this.stages = stages;
    this.setNoise(noise);
    const n = stages.length;
    if (n > 1) {
      // Until real frames fill it, each waiting slot holds pure noise at its stage, as if x₀ were 0.
      const rest = noise.slice(1);
      const x = concat(rest.map((v, i) => Float32Array.from(v, (e) => e * stages[i + 1]!.beta)));
      this.fifo = {
        x: await this.latents(x, n - 1),
        stock: await this.latents(concat(rest), n - 1),
      };
    }
  }

  setNoise(noise: Float32Array[]): void {
    this.noiseArrays = noise;
    // Uploaded lazily at the next frame, so a drift every frame costs one upload, not two.
    const old = this.noise;
    this.noise = undefined;
    if (old) void this.drop([old]);
  }

  async render(req: FrameRequest): Promise<Image> {
    return (await this.issue(req)).collect();
  }

  /**
   * Issues the frame's networks up to the decoded image, which stays on the device until `collect` reads it: in
   * the throughput loop two decoded images are held at once, the one being read and the one issued after it.
   * The stream's FIFO and noise advance here, in issue order, so frames in flight never change what comes next.
   */
  async issue(req: FrameRequest): Promise<InFlightFrame> {
    const temps: TensorHandle[] = [];
    const keep = (h: TensorHandle) => {
      temps.push(h);
      return h;
    };
    try {
      const n = this.stages.length;
      const negatives = negativesOf(activeCfg(req.guidance), n);
      const { unet, decoder } = this.model.networks;
      this.noise ??= await this.latents(concat(this.noiseArrays), n);

      const x0 = req.image ? keep(await this.encode(req.image, req.pixels)) : undefined;
      const prepare = await this.graph(buildPrepare, {
        stages: n,
        negatives,
        img2img: x0 !== undefined,
        alpha0: this.stages[0]!.alpha,
        beta0: this.stages[0]!.beta,
        latentScale: this.model.files.latentScale,
        x0Half: this.model.networks.encoder.outputType(this.model.networks.encoder.outputNames[0]!) === 'float16',
        unetHalf: unet.inputType('sample') === 'float16',
      });
      const prepared = await this.timings.time('prepare', () =>
        prepare.run(
          { noise: this.noise!, ...(x0 ? { x0 } : {}), ...(this.fifo ? { fifo_x: this.fifo.x } : {}) },
          { keep: ['sample', 'xs'] },
        ),
      );
      const [sample, xs] = [keep(prepared.sample), keep(prepared.xs)];

      const negativeMask = Array.from({ length: n + negatives }, (_, i) => i >= n);
      const conditioning = await this.conditioning(negativeMask, req.positive, req.negative);
      const timestep = await this.timestepHandle(negativeMask.length, negatives);
      const unetOut = unet.outputNames[0]!;
      const control = this.model.control;
      let residuals: Record<string, TensorHandle> = {};
      if (control) {
        const feeds = { sample, timestep, ...conditioning };
        const r = await this.timings.time('ControlNet', () => control.device(feeds, negativeMask.length));
        residuals = r.handles;
        if (r.owned) Object.values(residuals).forEach(keep);
      }
      const predicted = await this.timings.time('UNet', () =>
        unet.session.run({ sample, timestep, ...conditioning, ...residuals }, { keep: [unetOut] }),
      );
      const eps = keep(predicted[unetOut]!);

      const next = await this.update(eps, xs, req.guidance, req.addNoise);
      const latent = keep(next.latent);
      const decOut = decoder.outputNames[0]!;
      const decoded = keep(
        (
          await this.timings.time('VAE decode', () =>
            decoder.session.run({ latent_sample: latent }, { keep: [decOut] }),
          )
        )[decOut]!,
      );
      const half = decoder.outputType(decOut) === 'float16';
      if (!this.decodedFinite) await this.checkFinite(decoded, half);
      // Kept past this frame's temporaries: the in-flight frame owns it until it is read or dropped.
      temps.splice(temps.indexOf(decoded), 1);
      return this.inFlightFrame(decoded, half);
    } finally {
      await this.drop(temps);
    }
  }

  /** A decoded image on the device as a frame in flight: `collect` turns it into RGBA bytes on the host. */
  private inFlightFrame(decoded: TensorHandle, half: boolean): InFlightFrame {
    const release = () => this.drop([decoded]);
    const formats = this.formats;
    const read = async (): Promise<Image> => {
      const toFrame = await this.graph(
        () => buildFrameGraph(this.width, this.height, half, formats),
        { half, formats },
        ['rgba', ...formats],
      );
      const out = await this.timings.time('pixels out', () => toFrame.run({ sample: decoded }));
      const image: Image = { data: out.rgba!.data as Uint8Array, width: this.width, height: this.height };
      if (formats.length > 0) image.formats = Object.fromEntries(formats.map((f) => [f, out[f]!.data as Uint8Array]));
      return image;
    };
    return {
      collect: async () => {
        try {
          return await read();
        } finally {
          await release();
        }
      },
      drop: release,
    };
  }

  /** The input image to the encoder's latent: RGBA bytes up, converted on the device. */
  private async encode(image: Image, pixels: Float32Array | undefined): Promise<TensorHandle> {
    const { encoder } = this.model.networks;
    const half = encoder.inputType('sample') === 'float16';
    const { width, height } = this;
    let sample: PlainTensor | TensorHandle;
    const temps: TensorHandle[] = [];
    if (image.width === width && image.height === height && !pixels) {
      const fromRgba = await this.graph(() => buildFromRgba(width, height, half), { from: half });
      const out = await this.timings.time('pixels in', () =>
        fromRgba.run({ rgba: { type: 'uint8', data: image.data, dims: [height, width, 4] } }, { keep: ['sample'] }),
      );
      sample = out.sample;
      temps.push(out.sample);
    } else {
      const floats = pixels ?? imageToTensor(image, width, height);
      sample = convert({ data: floats, dims: [1, 3, height, width] }, encoder.inputType('sample'));
    }
    try {
      const name = encoder.outputNames[0]!;
      const out = await this.timings.time('VAE encode', () => encoder.session.run({ sample }, { keep: [name] }));
      return out[name]!;
    } finally {
      await this.drop(temps);
    }
  }

  /** The LCM step and re-noising on the device; the FIFO moves on to this call's handles. */
  private async update(eps: TensorHandle, xs: TensorHandle, guidance: Guidance, addNoise: boolean) {
    const n = this.stages.length;
    const { unet, decoder } = this.model.networks;
    const cfg = activeCfg(guidance);
    const update = await this.graph(buildUpdate, {
      stages: this.stages,
      cfg,
      addNoise,
      latentScale: this.model.files.latentScale,
      epsHalf: unet.outputType(unet.outputNames[0]!) === 'float16',
      latentHalf: decoder.inputType('latent_sample') === 'float16',
    });
    const feeds: Record<string, TensorHandle | PlainTensor> = { eps, xs, noise: this.noise! };
    if (this.fifo) feeds.fifo_stock = this.fifo.stock;
    if (cfg !== 'none') {
      // Eight bytes a frame: γ and δ are live, smoothed parameters.
      feeds.guidance = { type: 'float32', data: Float32Array.of(guidance.scale, guidance.delta), dims: [2] };
    }
    const outs = n > 1 ? ['latent', 'next_x', 'next_stock'] : ['latent'];
    const out = await this.timings.time('update', () => update.run(feeds, { keep: outs }));
    if (n > 1) {
      const old = this.fifo!;
      this.fifo = { x: out.next_x!, stock: out.next_stock! };
      await this.drop([old.x, old.stock]);
    }
    return { latent: out.latent! };
  }

  /** Refuses a decoded frame with NaN (an fp16 SDXL VAE without the fp16 fix), which RGBA would show as black. */
  private async checkFinite(decoded: TensorHandle, half: boolean): Promise<void> {
    const check = await this.graph(buildFiniteCheck, half, ['finite']);
    const out = await check.run({ sample: decoded });
    if (!Number.isFinite((out.finite!.data as Float32Array)[0])) throw new Error(nanMessage('the VAE decoder'));
    this.decodedFinite = true;
  }

  /** The batched conditioning as handles, uploaded again only when its values change. */
  private async conditioning(mask: boolean[], positive: Conditioning, negative: Conditioning) {
    const { unet } = this.model.networks;
    const feeds = this.model.conditioningFeeds(mask, positive, negative, this.width, this.height);
    const key = Object.values(feeds).map((f) => f.data as Float32Array);
    if (this.cond && sameValues(this.cond.key, key)) return this.cond.handles;
    const handles: Record<string, TensorHandle> = {};
    for (const [name, f] of Object.entries(feeds))
      handles[name] = await this.runtime.upload(convert(f, unet.inputType(name)));
    const old = this.cond;
    this.cond = { key: key.map((k) => k.slice()), handles };
    if (old) await this.drop(Object.values(old.handles));
    return handles;
  }

  private async timestepHandle(b: number, negatives: number): Promise<TensorHandle> {
    const ts = [...this.stages, ...this.stages.slice(0, negatives)].map((s) => s.timestep);
    const key = ts.join(',');
    if (this.timesteps?.key === key) return this.timesteps.handle;
    const { unet } = this.model.networks;
    const handle = await this.runtime.upload(
      convert({ data: Float32Array.from(ts), dims: [b] }, unet.inputType('timestep')),
    );
    const old = this.timesteps;
    this.timesteps = { key, handle };
    if (old) await this.drop([old.handle]);
    return handle;
  }

  /** The session of a stream graph for `config`, built and opened on first use. */
  private graph<C>(build: (c: C) => Uint8Array, config: C, hostOutputs: string[] = []): Promise<OrtSession> {
    const key = `${build.name}:${JSON.stringify(config)}`;
    let session = this.graphs.get(key);
    if (!session) {
      session = this.runtime.createSession(build(config), { hostOutputs });
      this.graphs.set(key, session);
      session.catch(() => this.graphs.delete(key));
    }
    return session;
  }

  private latents(data: Float32Array, count: number): Promise<TensorHandle> {
    const dims = [count, LATENT_CHANNELS, this.height / VAE_FACTOR, this.width / VAE_FACTOR];
    return this.runtime.upload({ type: 'float32', data, dims });
  }

  /**
   * Releases the handles this engine holds. When the runtime lost them (its worker stopped) the batch is refused
   * whole, so each is then released on its own and the dead ones are passed over: a failed frame must not leak the
   * live ones, nor hide its own error behind a cleanup error.
   */
  private async drop(handles: (TensorHandle | undefined)[]): Promise<void> {
    const held = handles.filter((h): h is TensorHandle => h !== undefined);
    if (held.length === 0) return;
    try {
      await this.runtime.release(held);
    } catch {
      await Promise.allSettled(held.map((h) => this.runtime.release(h)));
    }
  }

  async release(): Promise<void> {
    const f = this.fifo;
    await this.drop([this.noise, f?.x, f?.stock, this.timesteps?.handle, ...Object.values(this.cond?.handles ?? {})]);
    this.fifo = undefined;
    this.noise = undefined;
    this.timesteps = undefined;
    this.cond = undefined;
    const sessions = [...this.graphs.values()];
    this.graphs.clear();
    await Promise.allSettled(sessions.map(async (s) => (await s).release()));
  }
}
