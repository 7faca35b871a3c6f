import { RIFE_ALIGN, buildRifeGraph, standInChannels, tinyChannels } from './rife-graph';
import { rifeExport, signatureProblem } from './rife-manifest';
import { readSignature } from '../../runtime/onnx-signature';
import type { FrameInterpolator } from './interpolator';
import type { Image } from '../frame';
import type { InferenceBackend } from '../../runtime/backend';
import type { OrtSession } from '../../runtime/session';
import type { PlainTensor } from '../../runtime/tensor';

/**
 * Which interpolation graph runs: `tiny` (a few channels, any CPU), `stand-in` (RIFE's real shape, random
 * weights: the real cost, for the bench and GPU checks), or the path of a real RIFE export (rife-manifest.ts).
 * The built graphs may have a zero flow head (`zeroHead`): their frames are then exactly the 50/50 blend, at
 * their own cost, which is what a show without the real export sees.
 */
export type InterpolationModel = 'tiny' | 'stand-in' | { path: string };

export interface OnnxInterpolatorOptions {
  runtime: InferenceBackend;
  model: InterpolationModel;
  zeroHead?: boolean;
  seed?: number;
  log?: (message: string) => void;
}

/** Frame interpolation by an ONNX graph on the runtime's provider, one session per output size. */
export class OnnxInterpolator implements FrameInterpolator {
  private readonly sessions = new Map<string, Promise<OrtSession>>();

  constructor(private readonly o: OnnxInterpolatorOptions) {}

  async between(a: Image, b: Image, times: readonly number[]): Promise<Image[]> {
    // RIFE works on sizes in multiples of 32: the pictures go in padded (edges repeated) and come out cropped.
    const [width, height] = [align(a.width), align(a.height)];
    const session = await this.session(width, height);
    const planes = [toPlanar(a, width, height), toPlanar(b, width, height)] as const;
    const out: Image[] = [];
    for (const t of times) {
      const result = await session.run(feeds(session, planes, t, width, height));
      const output = result[rifeExport.outputs.output] ?? result[session.outputNames[0]!];
      if (!output || !(output.data instanceof Float32Array)) throw new Error('the interpolation graph gave no output');
      out.push(fromPlanar(output.data, width, height, a.width, a.height));
    }
    return out;
  }

  /** Ends every session. */
  async close(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.then((x) => x.release()).catch(() => {})));
  }

  /** The session for a size, made once; one that failed stays failed (the engine crossfades instead). */
  private session(width: number, height: number): Promise<OrtSession> {
    const model = this.o.model;
    const key = typeof model === 'string' ? `${width}x${height}` : 'export';
    let session = this.sessions.get(key);
    if (!session) {
      session = this.open(width, height).catch((err: Error) => {
        this.o.log?.(`frame interpolation is a crossfade: the interpolation graph did not load (${err.message})`);
        throw err;
      });
      this.sessions.set(key, session);
    }
    return session;
  }

  private async open(width: number, height: number): Promise<OrtSession> {
    const model = this.o.model;
    const source =
      typeof model === 'string'
        ? buildRifeGraph({
            seed: this.o.seed ?? 1,
            width,
            height,
            channels: model === 'tiny' ? tinyChannels : standInChannels,
            zeroHead: this.o.zeroHead,
          })
        : model.path;
    const problem = signatureProblem(await readSignature(source));
    if (problem) throw new Error(problem);
    return this.o.runtime.createSession(source, { hostOutputs: [rifeExport.outputs.output] });
  }
}

/** The inputs of one run: three tensors, or the 7 channels of one for a one-input export (rife-manifest.ts). */
function feeds(
  session: OrtSession,
  [a, b]: readonly [Float32Array, Float32Array],
  t: number,
  width: number,
  height: number,
): Record<string, PlainTensor> {
  const n = width * height;
  const timestep = new Float32Array(n).fill(t);
  if (session.inputNames.length === 1) {
    const data = new Float32Array(rifeExport.packedChannels * n);
    data.set(a, 0);
    data.set(b, 3 * n);
    data.set(timestep, 6 * n);
    return { [session.inputNames[0]!]: { type: 'float32', dims: [1, rifeExport.packedChannels, height, width], data } };
  }
  const dims = [1, 3, height, width];
  return {
    img0: { type: 'float32', dims, data: a },
    img1: { type: 'float32', dims, data: b },
    timestep: { type: 'float32', dims: [1, 1, height, width], data: timestep },
  };
}

const align = (n: number) => Math.ceil(n / RIFE_ALIGN) * RIFE_ALIGN;

/** RGBA bytes as float RGB planes in [0, 1], [3, H, W], padded to `width` x `height` by repeating the edges. */
export function toPlanar(image: Image, width = image.width, height = image.height): Float32Array {
  const n = width * height;
  const out = new Float32Array(3 * n);
  const d = image.data;
  for (let y = 0; y < height; y++) {
    const row = Math.min(y, image.height - 1) * image.width;
    for (let x = 0; x < width; x++) {
      const from = (row + Math.min(x, image.width - 1)) * 4;
      const i = y * width + x;
      out[i] = d[from]! / 255;
      out[n + i] = d[from + 1]! / 255;
      out[2 * n + i] = d[from + 2]! / 255;
    }
  }
  return out;
}

/** Float RGB planes in [0, 1] of `width` x `height` as opaque RGBA bytes, rounded, cropped to `cropW` x `cropH`. */
export function fromPlanar(planes: Float32Array, width: number, height: number, cropW = width, cropH = height): Image {
  const n = width * height;
  // A clamped array rounds and clamps on assignment, so values a little outside [0, 1] cannot wrap around.
  const clamped = new Uint8ClampedArray(4 * cropW * cropH);
  for (let y = 0; y < cropH; y++) {
    for (let x = 0; x < cropW; x++) {
      const [i, o] = [y * width + x, (y * cropW + x) * 4];
      clamped[o] = planes[i]! * 255;
      clamped[o + 1] = planes[n + i]! * 255;
      clamped[o + 2] = planes[2 * n + i]! * 255;
      clamped[o + 3] = 255;
    }
  }
  return { data: new Uint8Array(clamped.buffer), width: cropW, height: cropH };
}
