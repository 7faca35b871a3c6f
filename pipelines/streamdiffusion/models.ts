import { fileExists } from '../../src/files';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { artifactPath } from '../../src/models/manifest';
import { chooseVariant } from '../../src/models/variants';
import type { CheckProvider } from '../../src/runtime/graph/provider-ops';
import {
  approxSize,
  sdTurboOliveManifest,
  sdTurboWebgpuManifest,
  sdxlTurboOliveManifest,
  taesdManifest,
  taesdxlManifest,
} from './manifests';
import type { SizedArtifact, SizedManifest } from './manifests';
import { generateStandin } from './standin/generate';
import { writeTinyModel } from './tiny/write';
import { resolveSdxs } from './sdxs-model';
import type { PreflightNeeds } from '../../src/engine/preflight';

export const modelIds = [
  'sd-turbo',
  'sdxl-turbo',
  'sd-turbo-standin',
  'sd-turbo-standin-fp32',
  'sdxs',
  'sdxs-standin',
  'sdxs-standin-fp32',
  'tiny',
  'tiny-xl',
] as const;
export type ModelId = (typeof modelIds)[number];

/** Where a model's files are and the constants its pipeline needs. */
export interface ModelFiles {
  id: ModelId;
  xl: boolean;
  /** Folder of the diffusers layout: tokenizer/, text_encoder/, unet/, ... */
  dir: string;
  /** Folder holding vae_decoder/ and vae_encoder/ (the model's own, or TAESD's). */
  vaeDir: string;
  /** Latents are the VAE's latents times this (SD 2.1: 0.18215, SDXL: 0.13025; TAESD and tiny: 1). */
  latentScale: number;
  /** Pad tokens of the two tokenizers: OpenCLIP encoders pad with "!", OpenAI CLIP ones with the end token. */
  padTokens: [string, string];
  /** The manifest id of the variant opened (`sd-turbo@webgpu`), for real models. */
  variant?: string;
  /** A UNet file opened instead of unet/model.onnx (the ControlNet UNet, which takes the residuals too). */
  unetPath?: string;
}

// The variants of each model in the order used when no provider is known: the WebGPU-ready export first.
const specs = {
  'sd-turbo': {
    variants: [sdTurboWebgpuManifest, sdTurboOliveManifest],
    tae: taesdManifest,
    xl: false,
    scale: 0.18215,
    pad: ['!', '!'],
  },
  'sdxl-turbo': {
    variants: [sdxlTurboOliveManifest],
    tae: taesdxlManifest,
    xl: true,
    scale: 0.13025,
    pad: ['<|endoftext|>', '!'],
  },
} as const;

/** Where generated models are made, and how far along. */
export interface ResolveOptions {
  /** Image size, for the stand-ins (static spatial sizes). */
  width: number;
  height: number;
  progress: (stage: string, fraction: number) => void;
  /** The provider the session will run on: among variants on disk, the one it runs best is opened. */
  provider: string;
}

const checkable = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'dml', 'coreml'];

/** The variants in the order to try: the one `provider` runs best first, then as declared. */
function variantOrder(variants: readonly SizedManifest[], provider: string | undefined): SizedManifest[] {
  if (!provider || !checkable.includes(provider) || variants.length < 2) return [...variants];
  const best = chooseVariant(variants, provider as CheckProvider) as SizedManifest;
  return [best, ...variants.filter((v) => v !== best)];
}

/** The files of a tiny model written at `dir` (tiny/write.ts): its own VAE, its latents unscaled. */
export function tinyModelFiles(dir: string, xl = false): ModelFiles {
  return { id: xl ? 'tiny-xl' : 'tiny', xl, dir, vaeDir: dir, latentScale: 1, padTokens: ['!', '!'] };
}

/**
 * Finds a model's files: real models under the models folder (an error naming the download when any is missing),
 * stand-ins generated into it on first use, tiny ones generated on the spot.
 */
export async function resolveModel(
  id: ModelId,
  root: string,
  vae: 'full' | 'tiny',
  o: Partial<ResolveOptions> = {},
): Promise<ModelFiles> {
  if (id === 'tiny' || id === 'tiny-xl')
    return tinyModelFiles(await writeTinyModel({ xl: id === 'tiny-xl' }), id === 'tiny-xl');
  if (id === 'sdxs' || id === 'sdxs-standin' || id === 'sdxs-standin-fp32') {
    const files = await resolveSdxs(id, root, o.width ?? 512, o.height ?? 512, o.progress);
    return { id, xl: false, ...files };
  }
  if (id === 'sd-turbo-standin' || id === 'sd-turbo-standin-fp32') {
    const options = { half: id === 'sd-turbo-standin', width: o.width ?? 512, height: o.height ?? 512 };
    const dir = await generateStandin(root, options, (network, fraction) =>
      o.progress?.(`generating the stand-in ${network} (random weights, once)`, fraction * 0.9),
    );
    const tiny = vae === 'tiny';
    return {
      id,
      xl: false,
      dir,
      vaeDir: tiny ? join(dir, 'taesd') : dir,
      latentScale: tiny ? 1 : 0.18215,
      padTokens: ['!', '!'],
    };
  }
  const spec = specs[id];
  const tae = vae === 'tiny' ? spec.tae.artifacts : [];
  // The first variant with every file here wins; else the missing files of the one the provider runs best.
  let missing: SizedArtifact[] | undefined;
  let lacking: SizedManifest | undefined;
  for (const variant of variantOrder(spec.variants, o.provider)) {
    const absent: SizedArtifact[] = [];
    for (const a of [...variant.artifacts, ...tae]) if (!(await fileExists(artifactPath(root, a)))) absent.push(a);
    if (absent.length === 0) {
      const dir = repoDir(root, variant.artifacts[0]!);
      const vaeDir = vae === 'tiny' ? repoDir(root, spec.tae.artifacts[0]!) : dir;
      const latentScale = vae === 'tiny' ? 1 : spec.scale;
      return { id, xl: spec.xl, dir, vaeDir, latentScale, padTokens: [...spec.pad], variant: variant.id };
    }
    if (!missing || absent.length < missing.length) [missing, lacking] = [absent, variant];
  }
  throw new Error(missingMessage(lacking!, vae === 'tiny' ? spec.tae : undefined, missing!, root));
}

/**
 * What a load of a real model opens, for the preflight (sizes and hashes where the manifest knows them); undefined
 * for the stand-ins and tiny models, which are generated on the spot.
 */
export function modelNeeds(id: ModelId, root: string, vae: 'full' | 'tiny'): PreflightNeeds | undefined {
  if (!(id in specs)) return undefined;
  const spec = specs[id as keyof typeof specs];
  const tae = vae === 'tiny' ? spec.tae : undefined;
  // The variant already on disk (the load opens it), else the first declared; a stat per file, no reads.
  const variant =
    spec.variants.find((v) => v.artifacts.every((a) => existsSync(artifactPath(root, a)))) ?? spec.variants[0];
  const manifests = [variant, ...(tae ? [tae] : [])];
  const needed: SizedArtifact[] = manifests.flatMap((m) => m.artifacts);
  const byPath = new Map(needed.map((a) => [artifactPath(root, a), a]));
  return {
    files: needed.map((a) => ({
      path: artifactPath(root, a),
      role: a.role,
      ...(a.size === undefined ? {} : { size: a.size }),
      ...(a.sha256 === undefined ? {} : { sha256: a.sha256 }),
    })),
    missing: (files) => {
      const artifacts = files.map((f) => byPath.get(f.path)).filter((a) => a !== undefined);
      const lacking = manifests.filter((m) => m.artifacts.some((a) => artifacts.includes(a)));
      return {
        message: missingMessage(variant, tae, artifacts, root),
        fix: lacking.map((m) => `daydream-scope download ${m.variant?.of ?? m.id}`).join(' && '),
      };
    },
  };
}

/**
 * "streamdiffusion needs sd-turbo (≈2.6 GB, webgpu variant): run `daydream-scope download sd-turbo`", plus what is
 * missing. The download command picks the variant for the device, so the model's own id is named.
 */
export function missingMessage(
  model: SizedManifest,
  tae: SizedManifest | undefined,
  missing: SizedArtifact[],
  root: string,
): string {
  const lacking = [model, ...(tae ? [tae] : [])].filter((m) => m.artifacts.some((a) => missing.includes(a)));
  const name = (m: SizedManifest) => m.variant?.of ?? m.id;
  const parts = lacking
    .map((m) => `${name(m)} (${approxSize(m.artifacts)}${m.variant ? `, ${m.variant.name} variant` : ''})`)
    .join(' and ');
  const commands = lacking.map((m) => `\`daydream-scope download ${name(m)}\``).join(' and ');
  const names = missing.map((a) => `${a.repo}/${a.file}`);
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return `streamdiffusion needs ${parts}: run ${commands} (missing in ${root}: ${shown})`;
}

function repoDir(root: string, a: SizedArtifact): string {
  // artifactPath validates the names; the repository folder is the file's path minus the file.
  const path = artifactPath(root, a);
  return a.file.split('/').reduce((p) => dirname(p), path);
}

/** Path of a file of the diffusers layout under a model folder. */
export const modelFile = (dir: string, file: string) => join(dir, ...file.split('/'));
