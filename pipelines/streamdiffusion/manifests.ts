import type { Artifact, ModelManifest } from '../../src/models/manifest';

/*
 * The ONNX exports StreamDiffusion runs here, in the diffusers folder layout (text_encoder/, unet/, vae_decoder/,
 * vae_encoder/, tokenizer/). What was checked, from the Hub's file listings (not downloaded, no checksums):
 * - onnxruntime/sd-turbo at 6d0b4c16…: the Olive fp16 export of stabilityai/sd-turbo (also published as
 *   tlwu/sd-turbo-onnxruntime, 2.58 GB in all): text_encoder/model.onnx 681 MB, vae_encoder/model.onnx 68.4 MB,
 *   tokenizer/{vocab.json 1.06 MB, merges.txt 525 kB}. Not seen: the sizes of unet/model.onnx (≈1.73 GB in the
 *   identical exports) and vae_decoder/model.onnx (≈99 MB).
 * - onnxruntime/sdxl-turbo at bd6180e5…: text_encoder_2/model.onnx 1.39 GB + model.onnx.data 2.78 GB,
 *   vae_encoder/model.onnx 68.4 MB, tokenizer_2/vocab.json 1.06 MB. Not seen: the unet folder (an SDXL UNet is
 *   5.1 GB in fp16; that it is split into model.onnx + model.onnx.data, as text_encoder_2 is, is an assumption),
 *   text_encoder and vae_decoder sizes.
 * - TAESD: deinferno/taesd-onnx (optimum export, vae_decoder/ and vae_encoder/ folders seen; file names
 *   model.onnx assumed from its optimum export script); julienkay/taesdxl (folders seen, file names assumed).
 * Tensor names, as the pipeline feeds them (it reads the declared element types from each file at load):
 *   text_encoder: input_ids int32 [B,77] -> last_hidden_state [B,77,1024|768], pooler_output / text_embeds,
 *     hidden_states.N (SDXL reads the penultimate one)
 *   unet: sample [B,4,H/8,W/8], timestep [B], encoder_hidden_states [B,77,1024|2048] (+ text_embeds [B,1280],
 *     time_ids [B,6] for SDXL) -> out_sample
 *   vae_decoder: latent_sample -> sample [B,3,H,W] in [-1,1]; vae_encoder: sample -> latent_sample
 * Revisions are commits where the listing showed one in full, else `main`.
 */

/** An artifact with its approximate size for messages (the Hub shows rounded sizes; exact bytes are unknown). */
export type SizedArtifact = Artifact & { approxBytes?: number };

const MB = 1e6;
const GB = 1e9;

function files(repo: string, revision: string, list: [file: string, role: string, approxBytes?: number][]) {
  return list.map(([file, role, approxBytes]): SizedArtifact => ({ repo, revision, file, role, approxBytes }));
}

const SD_TURBO = 'onnxruntime/sd-turbo';
const SD_TURBO_REV = '6d0b4c16d1606606694b58681a91b0edf1415268';
const SDXL_TURBO = 'onnxruntime/sdxl-turbo';
const SDXL_TURBO_REV = 'bd6180e5aa5a5e326fbb0ba1bdda15cb3817f63c';

export const sdTurboManifest: ModelManifest & { artifacts: SizedArtifact[] } = {
  id: 'sd-turbo',
  pipeline: 'streamdiffusion',
  description: 'SD-Turbo (Stable Diffusion 2.1 distilled for 1–4 steps), ONNX fp16 export by ONNX Runtime/Olive',
  artifacts: files(SD_TURBO, SD_TURBO_REV, [
    ['tokenizer/vocab.json', 'CLIP tokenizer vocabulary', 1.06 * MB],
    ['tokenizer/merges.txt', 'CLIP tokenizer merges', 0.525 * MB],
    ['text_encoder/model.onnx', 'text encoder (OpenCLIP ViT-H)', 681 * MB],
    ['unet/model.onnx', 'UNet', 1.73 * GB],
    ['vae_decoder/model.onnx', 'VAE decoder', 99 * MB],
    ['vae_encoder/model.onnx', 'VAE encoder', 68.4 * MB],
  ]),
};

export const sdxlTurboManifest: ModelManifest & { artifacts: SizedArtifact[] } = {
  id: 'sdxl-turbo',
  pipeline: 'streamdiffusion',
  description: 'SDXL-Turbo (SDXL 1.0 distilled for 1–4 steps), ONNX export by ONNX Runtime/Olive',
  artifacts: files(SDXL_TURBO, SDXL_TURBO_REV, [
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
};

export const taesdManifest: ModelManifest & { artifacts: SizedArtifact[] } = {
  id: 'taesd',
  pipeline: 'streamdiffusion',
  description: 'TAESD, the tiny autoencoder for SD 1.x/2.x latents (fast decode, slightly softer images)',
  artifacts: files('deinferno/taesd-onnx', 'main', [
    ['vae_decoder/model.onnx', 'TAESD decoder', 5 * MB],
    ['vae_encoder/model.onnx', 'TAESD encoder', 5 * MB],
  ]),
};

export const taesdxlManifest: ModelManifest & { artifacts: SizedArtifact[] } = {
  id: 'taesdxl',
  pipeline: 'streamdiffusion',
  description: 'TAESDXL, the tiny autoencoder for SDXL latents',
  artifacts: files('julienkay/taesdxl', 'main', [
    ['vae_decoder/model.onnx', 'TAESDXL decoder', 5 * MB],
    ['vae_encoder/model.onnx', 'TAESDXL encoder', 5 * MB],
  ]),
};

/** Every manifest this pipeline declares, for the model manager's list. */
export const streamDiffusionManifests = [sdTurboManifest, sdxlTurboManifest, taesdManifest, taesdxlManifest];

/** "≈2.6 GB": the sum of the approximate sizes, for messages. */
export function approxSize(artifacts: SizedArtifact[]): string {
  const bytes = artifacts.reduce((sum, a) => sum + (a.size ?? a.approxBytes ?? 0), 0);
  return bytes >= GB ? `≈${(bytes / GB).toFixed(1)} GB` : `≈${Math.round(bytes / MB)} MB`;
}
