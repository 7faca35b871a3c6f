/**
 * Writes the SD-Turbo-shaped stand-in model (text encoder, UNet, VAE decoder and encoder, TAESD), or the SDXS-shaped
 * one (text encoder, pruned UNet, its tiny VAE as the model's own: `family`), in the diffusers
 * ONNX layout, each network as model.onnx beside its weights in model.onnx.data. A model is complete once its
 * standin.json is written (last, atomically); a second call finds it and writes nothing.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../../src/files';
import { WeightFile } from '../../../src/runtime/weight-file';
import { tinyVocab } from '../tiny/vocab';
import type { NetOptions } from './layers';
import { buildStandinTextEncoder } from './text-encoder';
import { buildStandinUnet } from './unet';
import { checkStandinSize, standinFamilies } from './families';
import type { StandinFamily } from './families';
import { buildSdxsUnet } from './sdxs-unet';
import {
  buildStandinTaesdDecoder,
  buildStandinTaesdEncoder,
  buildStandinVaeDecoder,
  buildStandinVaeEncoder,
} from './vae';

/** Bumped whenever the graphs change, so older generated files are rebuilt. */
const VERSION = 1;

export interface StandinOptions {
  /** Which model's shapes: SD-Turbo's (SD 2.1 UNet, its VAE and TAESD) or SDXS-512's (pruned UNet, tiny VAE). */
  family: StandinFamily;
  half: boolean;
  /** Image size; the graphs have static spatial sizes (batch stays dynamic), as engine-minded exports do. */
  width: number;
  height: number;
  weights: NetOptions['weights'];
  seed: number;
}

export const standinDefaults: StandinOptions = {
  family: 'sd-turbo',
  half: true,
  width: 512,
  height: 512,
  weights: 'random',
  seed: 1,
};

const marker = z.object({
  version: z.number(),
  options: z.object({
    family: z.enum(standinFamilies).default('sd-turbo'),
    half: z.boolean(),
    width: z.number(),
    height: z.number(),
    weights: z.string(),
    seed: z.number(),
  }),
  params: z.record(z.string(), z.number()),
});
export type StandinMarker = z.infer<typeof marker>;

/** A network builder of the stand-ins: the graph and its parameter count, its weights written to `n.file`. */
export type NetworkBuild = (n: NetOptions) => { model: Uint8Array; params: number };

/**
 * Writes one network into `folder` as model.onnx beside its weights in model.onnx.data, the graph last (a folder
 * with model.onnx is complete); answers its parameter count.
 */
export async function writeNetwork(folder: string, build: NetworkBuild, o: Omit<NetOptions, 'file'>): Promise<number> {
  await mkdir(folder, { recursive: true });
  const data = new WeightFile(join(folder, 'model.onnx.data'));
  let built: { model: Uint8Array; params: number };
  try {
    built = build({ ...o, file: data });
  } finally {
    data.close();
  }
  await writeFileAtomic(join(folder, 'model.onnx'), built.model);
  return built.params;
}

/** Folder name of a stand-in: sd-turbo-standin-fp16-512x512, sdxs-standin-… (…-zeros when the weights are holes). */
export function standinName(o: StandinOptions): string {
  const zeros = o.weights === 'zeros' ? '-zeros' : '';
  return `${o.family}-standin-${o.half ? 'fp16' : 'fp32'}-${o.width}x${o.height}${zeros}`;
}

/** The generated model under `root`, or null when it is missing, incomplete or from another version. */
export async function findStandin(root: string, options: Partial<StandinOptions> = {}): Promise<StandinMarker | null> {
  const o = { ...standinDefaults, ...options } satisfies StandinOptions;
  try {
    const found = marker.safeParse(JSON.parse(await readFile(join(root, standinName(o), 'standin.json'), 'utf8')));
    return found.success && found.data.version === VERSION ? found.data : null;
  } catch {
    return null;
  }
}

/**
 * Generates the stand-in under `root` unless it is there already; returns its folder. `progress` hears each
 * network as it is written (the UNet takes the longest: 866 M random weights).
 */
export async function writeStandin(
  root: string,
  options: Partial<StandinOptions> = {},
  progress: (network: string, fraction: number) => void = () => {},
): Promise<string> {
  const o = { ...standinDefaults, ...options } satisfies StandinOptions;
  const sizeError = checkStandinSize(o.family, o.width, o.height);
  if (sizeError) throw new Error(sizeError);
  const dir = join(root, standinName(o));
  if (await findStandin(root, o)) return dir;
  await rm(dir, { recursive: true, force: true });
  const [lh, lw] = [o.height / 8, o.width / 8];
  type Networks = [string, NetworkBuild, number][];
  const sdxs: Networks = [
    ['text_encoder', (n) => buildStandinTextEncoder(n), 0.5],
    ['unet', (n) => buildSdxsUnet(n, lh, lw), 0.9],
    ['vae_decoder', (n) => buildStandinTaesdDecoder(n, lh, lw), 0.95],
    ['vae_encoder', (n) => buildStandinTaesdEncoder(n, o.height, o.width), 1],
  ];
  const networks: Networks = [
    ['text_encoder', (n) => buildStandinTextEncoder(n), 0.25],
    ['unet', (n) => buildStandinUnet(n, lh, lw), 0.85],
    ['vae_decoder', (n) => buildStandinVaeDecoder(n, lh, lw), 0.9],
    ['vae_encoder', (n) => buildStandinVaeEncoder(n, o.height, o.width), 0.95],
    ['taesd/vae_decoder', (n) => buildStandinTaesdDecoder(n, lh, lw), 0.97],
    ['taesd/vae_encoder', (n) => buildStandinTaesdEncoder(n, o.height, o.width), 1],
  ];
  const params: Record<string, number> = {};
  let start = 0;
  for (const [i, [name, build, end]] of (o.family === 'sdxs' ? sdxs : networks).entries()) {
    progress(name, start);
    params[name] = await writeNetwork(join(dir, name), build, {
      half: o.half,
      weights: o.weights,
      seed: o.seed * 101 + i,
    });
    start = end;
  }
  // The stand-ins read prompts with the tiny tokenizer: the images are noise whatever the prompt says.
  const { vocab, merges } = tinyVocab();
  await writeFileAtomic(join(dir, 'tokenizer', 'vocab.json'), JSON.stringify(vocab));
  await writeFileAtomic(join(dir, 'tokenizer', 'merges.txt'), ['#version: 0.2', ...merges, ''].join('\n'));
  const done: StandinMarker = { version: VERSION, options: o, params };
  await writeFileAtomic(join(dir, 'standin.json'), JSON.stringify(done, null, 2));
  progress('done', 1);
  return dir;
}
