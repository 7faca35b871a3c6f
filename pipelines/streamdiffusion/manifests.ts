import type { Artifact, ModelManifest } from '../../src/models/manifest';
import { contribOps } from './standin/export-shapes';

/*
 * The ONNX exports StreamDiffusion runs here, in the diffusers folder layout (text_encoder/, unet/, vae_decoder/,
 * vae_encoder/, tokenizer/). SD-Turbo comes in two variants, chosen per device by `daydream-scope download`
 * (src/models/variants.ts). What was checked, from the Hub's file listings (not downloaded, no checksums):
 * - onnxruntime/sd-turbo at 6d0b4c16…: the Olive fp16 export for onnxruntime's CUDA provider (also published as
 *   tlwu/sd-turbo-onnxruntime): text_encoder/model.onnx 681 MB, vae_encoder/model.onnx 68.4 MB,
 *   tokenizer/{vocab.json 1.06 MB, merges.txt 525 kB}. Not seen: the sizes of unet/model.onnx (≈1.73 GB in the
 *   identical exports) and vae_decoder/model.onnx (≈99 MB). Its contrib operators are those Olive's CUDA
 *   optimisation writes (docs/model-check.md), not read from these files.
 * - schmuell/sd-turbo-ort-web at ace89b7d…: the export onnxruntime's own browser example
 *   (onnxruntime-inference-examples js/sd-turbo/index.js) runs on WebGPU; every file below was seen in the listing
 *   of 7b51591f… ("Upload 14 files"; the later commits change only LICENSE and README.md): unet/model.onnx 1.73 GB,
 *   text_encoder/model.onnx 681 MB, vae_decoder/model.onnx 99.1 MB, vae_encoder/model.onnx 68.4 MB,
 *   tokenizer/{vocab.json 1.06 MB, merges.txt 525 kB}. Its op set was not read; that it holds no operator WebGPU
 *   lacks rests on the example running it there. Feeds, per the example: sample float32, timestep int64,
 *   encoder_hidden_states -> out_sample; input_ids int32 -> last_hidden_state; latent_sample -> sample.
 * - onnxruntime/sdxl-turbo at bd6180e5…: text_encoder_2/model.onnx 1.39 GB + model.onnx.data 2.78 GB,
 *   vae_encoder/model.onnx 68.4 MB, tokenizer_2/vocab.json 1.06 MB. Not seen: the unet folder (that it is split
 *   into model.onnx + model.onnx.data, as text_encoder_2 is, is an assumption), text_encoder and vae_decoder
 *   sizes: the variant is marked unverified. Its model card says it "cannot run in other providers like CPU or
 *   DirectML"; lowering at load is what lets it. No WebGPU-ready SDXL-Turbo export was found on the Hub;
 *   tools/export-variants makes one.
 * - TAESD: deinferno/taesd-onnx (optimum export; vae_encoder/model.onnx 4.91 MB seen, the decoder's file name
 *   assumed); julienkay/taesdxl (folders seen, file names assumed). Plain convolutions: one export runs everywhere.
 * The pipeline reads each file's declared inputs and outputs at load (session-io.ts, tensor-roles.ts), so the
 * variants' differences in element types and tensor names need no code here.
 * Revisions are commits where the listing showed one in full, else `main`.
 */

/** An artifact with its approximate size for messages (the Hub shows rounded sizes; exact bytes are unknown). */
export type SizedArtifact = Artifact & { approxBytes?: number };
export type SizedManifest = ModelManifest & { artifacts: SizedArtifact[] };

const MB = 1e6;
const GB = 1e9;

function files(repo: string, revision: string, list: [file: string, role: string, approxBytes?: number][]) {
  return list.map(([file, role, approxBytes]): SizedArtifact => ({ repo, revision, file, role, approxBytes }));
}

/**
 * The contrib operators onnxruntime's CUDA optimisation (Olive `--provider cuda --optimize`) writes into a UNet: the
 * list the Olive-shaped stand-in is built with and tested against the tables, with attention in the packed forms
 * onnxruntime's FusionOptions turn on by default for the "unet" model type (packed QKV for self-, KV for
 * cross-attention; fusion_options.py).
 */
const OLIVE_CUDA_OPS = [
  ...contribOps.filter((op) => op !== 'MultiHeadAttention').map((op) => `com.microsoft.${op}`),
  'com.microsoft.MultiHeadAttention(packed QKV)',
  'com.microsoft.MultiHeadAttention(packed KV)',
];
const OLIVE_CHECKED =
  'file list from the Hub listing; operators as Olive/onnxruntime CUDA optimisation writes them (not read from the files)';

const sdTurboFiles = (repo: string, rev: string, sizes: { unet: number; decoder: number }) =>
  files(repo, rev, [
    ['tokenizer/vocab.json', 'CLIP tokenizer vocabulary', 1.06 * MB],
    ['tokenizer/merges.txt', 'CLIP tokenizer merges', 0.525 * MB],
    ['text_encoder/model.onnx', 'text encoder (OpenCLIP ViT-H)', 681 * MB],
    ['unet/model.onnx', 'UNet', sizes.unet],
    ['vae_decoder/model.onnx', 'VAE decoder', sizes.decoder],
    ['vae_encoder/model.onnx', 'VAE encoder', 68.4 * MB],
  ]);

const SD_DESCRIPTION = 'SD-Turbo (Stable Diffusion 2.1 distilled for 1–4 steps)';

export const sdTurboWebgpuManifest: SizedManifest = {
  id: 'sd-turbo@webgpu',
  pipeline: 'streamdiffusion',
  description: `${SD_DESCRIPTION}, the fp16 export onnxruntime's WebGPU example runs (plain operators)`,
  artifacts: sdTurboFiles('schmuell/sd-turbo-ort-web', 'ace89b7d2cd849f9a73914cdbb8a3ea60c853dd1', {
    unet: 1.73 * GB,
    decoder: 99.1 * MB,
  }),
  variant: {
    of: 'sd-turbo',
    name: 'webgpu',
    tunedFor: ['webgpu'],
    contribOps: [],
    verified: true,
    checked:
      "file list from the Hub listing at 7b51591f; op set not read: onnxruntime's js/sd-turbo example runs it on WebGPU",
  },
};

export const sdTurboOliveManifest: SizedManifest = {
  id: 'sd-turbo@olive-cuda',
  pipeline: 'streamdiffusion',
  description: `${SD_DESCRIPTION}, the ONNX Runtime/Olive fp16 export tuned for CUDA`,
  artifacts: sdTurboFiles('onnxruntime/sd-turbo', '6d0b4c16d1606606694b58681a91b0edf1415268', {
    unet: 1.73 * GB,
    decoder: 99 * MB,
  }),
  variant: {
    of: 'sd-turbo',
    name: 'olive-cuda',
    tunedFor: ['cuda'],
    contribOps: OLIVE_CUDA_OPS,
    verified: true,
    checked: `${OLIVE_CHECKED}; unet and vae_decoder sizes not seen (taken from identical exports)`,
  },
};

export const sdxlTurboOliveManifest: SizedManifest = {
  id: 'sdxl-turbo@olive-cuda',
  pipeline: 'streamdiffusion',
  description: 'SDXL-Turbo (SDXL 1.0 distilled for 1–4 steps), the ONNX Runtime/Olive fp16 export tuned for CUDA',
  artifacts: files('onnxruntime/sdxl-turbo', 'bd6180e5aa5a5e326fbb0ba1bdda15cb3817f63c', [
    ['tokenizer/vocab.json', 'CLIP tokenizer vocabulary', 1.06 * MB],
    ['tokenizer/merges.txt', 'CLIP tokenizer merges', 0.525 * MB],
    ['tokenizer_2/vocab.json', 'OpenCLIP tokenizer vocabulary', 1.06 * MB],
    ['tokenizer_2/merges.txt', 'OpenCLIP tokenizer merges', 0.525 * MB],
    ['text_encoder/model.onnx', 'text encoder (CLIP ViT-L)', 246 * MB],
    ['text_encoder_2/model.onnx', 'text encoder 2 (OpenCLIP ViT-bigG)', 1.39 * GB],
    ['text_encoder_2/model.onnx.data', 'text encoder 2 weights', 2.78 * GB],
    ['unet/model.onnx', 'UNet', 10 * MB],
    ['unet/model.onnx.data', 'UNet weights', 5.14 * GB],
    ['vae_decoder/model.onnx', 'VAE decoder', 99 * MB],
    ['vae_encoder/model.onnx', 'VAE encoder', 68.4 * MB],
  ]),
  variant: {
    of: 'sdxl-turbo',
    name: 'olive-cuda',
    tunedFor: ['cuda'],
    contribOps: OLIVE_CUDA_OPS,
    verified: false,
    checked: `${OLIVE_CHECKED}; unverified: the unet folder and three sizes were not seen`,
  },
};

export const taesdManifest: SizedManifest = {
  id: 'taesd',
  pipeline: 'streamdiffusion',
  description: 'TAESD, the tiny autoencoder for SD 1.x/2.x latents (fast decode, slightly softer images)',
  artifacts: files('deinferno/taesd-onnx', 'main', [
    ['vae_decoder/model.onnx', 'TAESD decoder', 5 * MB],
    ['vae_encoder/model.onnx', 'TAESD encoder', 5 * MB],
  ]),
};

export const taesdxlManifest: SizedManifest = {
  id: 'taesdxl',
  pipeline: 'streamdiffusion',
  description: 'TAESDXL, the tiny autoencoder for SDXL latents',
  artifacts: files('julienkay/taesdxl', 'main', [
    ['vae_decoder/model.onnx', 'TAESDXL decoder', 5 * MB],
    ['vae_encoder/model.onnx', 'TAESDXL encoder', 5 * MB],
  ]),
};

/** Every manifest this pipeline declares, for the model manager's list. */
export const streamDiffusionManifests: SizedManifest[] = [
  sdTurboWebgpuManifest,
  sdTurboOliveManifest,
  sdxlTurboOliveManifest,
  taesdManifest,
  taesdxlManifest,
];

/** "≈2.6 GB": the sum of the approximate sizes, for messages. */
export function approxSize(artifacts: SizedArtifact[]): string {
  const bytes = artifacts.reduce((sum, a) => sum + (a.size ?? a.approxBytes ?? 0), 0);
  return bytes >= GB ? `≈${(bytes / GB).toFixed(1)} GB` : `≈${Math.round(bytes / MB)} MB`;
}
