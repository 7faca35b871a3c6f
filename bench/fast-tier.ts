/**
 * The fast tier against SD-Turbo, side by side in one run: the SDXS-512-shaped and the SD-Turbo-shaped stand-ins
 * (zero weights: the same operators and sizes as random ones, generated in seconds without disk), one step, each
 * image size, txt2img and img2img, with the load-time graph passes on and off, through the pipeline's device
 * engine (text encoder once, then per frame VAE encode for img2img, UNet, LCM step, decode), reporting frames per
 * second and the engine's per-stage means. SD-Turbo decodes with TAESD here, as StreamDiffusion's 106 fps figure
 * does and as SDXS's own tiny VAE does. `quick` swaps in the tiny graphs: the whole path in seconds on any machine.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Image } from '../src/engine/frame';
import type { ScopeEnvName } from '../src/flag-env';
import { fusionNames } from '../src/runtime/graph/fusions';
import { OrtRuntime } from '../src/runtime/ort';
import type { DeviceRequest } from '../src/runtime/providers';
import { NoiseBank } from '../pipelines/shared/noise';
import { Timings } from '../pipelines/shared/timings';
import { DeviceEngine } from '../pipelines/streamdiffusion/device-engine';
import { DiffusionModel, VAE_FACTOR } from '../pipelines/streamdiffusion/diffusion-model';
import { LATENT_CHANNELS } from '../pipelines/streamdiffusion/open-networks';
import type { ModelFiles } from '../pipelines/streamdiffusion/models';
import { stagesFor } from '../pipelines/streamdiffusion/schedule';
import { writeStandin } from '../pipelines/streamdiffusion/standin/write';
import { writeTinyModel } from '../pipelines/streamdiffusion/tiny/write';

export const tierModels = ['sd-turbo', 'sdxs', 'tiny'] as const;
export type TierModel = (typeof tierModels)[number];
export type Passes = 'on' | 'off';
export type Mode = 'txt2img' | 'img2img';

export interface FastTierOptions {
  device: DeviceRequest;
  sizes: readonly number[];
  models: readonly TierModel[];
  passes: readonly Passes[];
  modes: readonly Mode[];
  /** float16 graphs (what a GPU runs); the CPU provider wants float32. */
  half: boolean;
  /** Timed frames per row … */
  frames: number;
  /** … after this many warm-up frames (2 by default: the first runs compile shaders and size the arenas). */
  warmup?: number;
  /** Where the stand-ins are generated. */
  root: string;
  /** No new row starts after this many seconds (the GPU lease is short); the rows left out are named. */
  deadlineS: number;
  log: (m: string) => void;
}

export interface TierRow {
  provider: string;
  passes: Passes;
  model: TierModel;
  size: number;
  mode: Mode;
  fps: number;
  /** The device engine's mean milliseconds per stage and frame. */
  stagesMs: Record<string, number>;
}

export interface FastTierResult {
  rows: TierRow[];
  /** Rows the deadline left out, as "passes on 512² sdxs img2img". */
  skipped: string[];
  seconds: number;
}

// The bench switches the load-time passes through the variable the server reads (src/runtime/graph/fusions.ts).
const FUSIONS: ScopeEnvName = 'DAYDREAM_SCOPE_FUSIONS';
const passesValue: Record<Passes, string> = { on: fusionNames.join(','), off: 'off' };
/** One step: txt2img from t = 999 as SD-Turbo and SDXS are meant to run; img2img from the middle of the schedule. */
const tIndex: Record<Mode, number> = { txt2img: 0, img2img: 32 };

/** Every row of models × sizes × modes, for each setting of the passes, on `o.device`. */
export async function fastTierBench(o: FastTierOptions): Promise<FastTierResult> {
  const started = performance.now();
  const result: FastTierResult = { rows: [], skipped: [], seconds: 0 };
  const saved = process.env[FUSIONS];
  try {
    for (const passes of o.passes) {
      process.env[FUSIONS] = passesValue[passes];
      const runtime = new OrtRuntime({ device: o.device, log: o.log });
      const provider = (await runtime.provider()).provider;
      try {
        for (const size of o.sizes) {
          const label = `passes ${passes} ${size}²`;
          if ((performance.now() - started) / 1000 > o.deadlineS) {
            result.skipped.push(...o.models.flatMap((m) => o.modes.map((mode) => `${label} ${m} ${mode}`)));
            continue;
          }
          o.log(`${label} on ${provider}: ${o.models.join(', ')} …`);
          for (const row of await timeSize(runtime, size, o)) result.rows.push({ provider, passes, size, ...row });
        }
      } finally {
        await runtime.close();
      }
    }
  } finally {
    if (saved === undefined) delete process.env[FUSIONS];
    else process.env[FUSIONS] = saved;
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** The files of one model at one size: stand-ins written once per size (static spatial sizes), tiny anywhere. */
async function tierFiles(model: TierModel, size: number, o: FastTierOptions): Promise<ModelFiles> {
  const pad: [string, string] = ['!', '!'];
  if (model === 'tiny') {
    const dir = await writeTinyModel({ xl: false });
    return { id: 'tiny', xl: false, dir, vaeDir: dir, latentScale: 1, padTokens: pad };
  }
  await mkdir(o.root, { recursive: true });
  const dir = await writeStandin(o.root, { family: model, half: o.half, width: size, height: size, weights: 'zeros' });
  const id = model === 'sdxs' ? 'sdxs-standin' : 'sd-turbo-standin';
  const vaeDir = model === 'sdxs' ? dir : join(dir, 'taesd');
  return { id: o.half ? id : `${id}-fp32`, xl: false, dir, vaeDir, latentScale: 1, padTokens: pad };
}

interface Opened {
  model: TierModel;
  diffusion: DiffusionModel;
  engine: DeviceEngine;
  timings: Timings;
}

/**
 * Every model at one size, opened together, their frames interleaved (one frame of each in turn): load from
 * elsewhere on the machine falls on all of them alike, so their ratio holds where the absolute figures wander.
 */
async function timeSize(
  runtime: OrtRuntime,
  size: number,
  o: FastTierOptions,
): Promise<Omit<TierRow, 'provider' | 'passes' | 'size'>[]> {
  const opened: Opened[] = [];
  const rows: Omit<TierRow, 'provider' | 'passes' | 'size'>[] = [];
  try {
    for (const model of o.models) {
      const timings = new Timings();
      const files = await tierFiles(model, size, o);
      const diffusion = await DiffusionModel.open(runtime, files, timings, () => {}, { width: size, height: size });
      opened.push({ model, diffusion, timings, engine: new DeviceEngine(runtime, diffusion, size, size, timings) });
    }
    const latent = LATENT_CHANNELS * (size / VAE_FACTOR) ** 2;
    const guidance = { cfg: 'none' as const, scale: 1, delta: 1 };
    for (const mode of o.modes) {
      const image = mode === 'img2img' ? picture(size) : undefined;
      const frames = [];
      for (const m of opened) {
        await m.engine.reset(stagesFor([tIndex[mode]]), new NoiseBank(latent, 1, 2).stages);
        const positive = await m.diffusion.prompts.encode('a lighthouse on a cliff at dusk, oil painting');
        frames.push(() =>
          m.engine.render({ image, pixels: undefined, positive, negative: positive, guidance, addNoise: true }),
        );
      }
      for (let i = 0; i < (o.warmup ?? 2); i++) for (const frame of frames) await frame();
      for (const m of opened) m.timings.reset();
      const ms = opened.map(() => 0);
      for (let i = 0; i < o.frames; i++) {
        for (const [k, frame] of frames.entries()) {
          const t0 = performance.now();
          await frame();
          ms[k]! += performance.now() - t0;
        }
      }
      for (const [k, m] of opened.entries()) {
        const stagesMs = Object.fromEntries(Object.entries(m.timings.means()).map(([n, v]) => [n, v.meanMs]));
        rows.push({ model: m.model, mode, fps: (o.frames * 1000) / ms[k]!, stagesMs });
      }
    }
  } finally {
    for (const m of opened) {
      await m.engine.release();
      await m.diffusion.release();
    }
  }
  return rows;
}

/** A test card with detail everywhere, so the img2img rows encode a real picture. */
function picture(size: number): Image {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const [x, y] = [i % size, Math.floor(i / size)];
    data.set([(x * 255) / size, (y * 255) / size, ((x ^ y) & 255) as number, 255], i * 4);
  }
  return { data, width: size, height: size };
}
