/**
 * SDXS-512 (arXiv 2403.16627, Xiaomi; model IDKiro/sdxs-512-0.9, code IDKiro/sdxs): SD 2.1 distilled into a
 * block-pruned UNet of 0.32 B parameters (SD 2.1's has 0.87 B) and a tiny convolutional image decoder of about
 * 1.2 M parameters, for one step; the paper reports about 100 fps at 512² on one GPU. What was read, from the Hub's
 * listings (nothing downloaded, no checksums): unet/config.json 1.83 kB and unet/diffusion_pytorch_model.safetensors
 * 1.31 GB (at 6d48fa4f…), vae/config.json 635 B and vae/diffusion_pytorch_model.safetensors 9.79 MB (at 365a2ae7…:
 * float32 weights of a 2.45 M-parameter AutoencoderTiny, encoder and decoder), vae_large/ 335 MB (SD's
 * AutoencoderKL, the sharper and slower decoder), tokenizer/vocab.json 1.06 MB; licence openrail++ (the model card).
 * The text encoder's size was not seen: SD 2.1's OpenCLIP ViT-H tower (cross_attention_dim 1024), 1.36 GB in
 * float32. The Hub holds these as diffusers safetensors, which onnxruntime does not read: the ONNX files come from
 * tools/sd-variants-export (`--model IDKiro/sdxs-512-0.9`), one folder per image size.
 */
import type { SizedArtifact, SizedManifest } from './manifests';

const MB = 1e6;
const GB = 1e9;

export const SDXS_REPO = 'IDKiro/sdxs-512-0.9';
const REVISION = '6d48fa4f5d696550dda0e6e275f84e7dc2d692c8';

const source = (file: string, role: string, approxBytes?: number): SizedArtifact => ({
  repo: SDXS_REPO,
  revision: REVISION,
  file,
  role,
  approxBytes,
});

/** The published weights the export is made from (not a download of ONNX files). */
export const sdxsSourceManifest: SizedManifest = {
  id: 'sdxs-512-0.9',
  pipeline: 'streamdiffusion',
  description:
    'SDXS-512 0.9 (SD 2.1 block-pruned to a 0.32 B UNet, tiny VAE, one step; licence openrail++), the diffusers ' +
    'weights tools/sd-variants-export turns into ONNX',
  artifacts: [
    source('unet/config.json', 'UNet config (block layout)', 1.83e3),
    source('unet/diffusion_pytorch_model.safetensors', 'UNet weights, float32', 1.31 * GB),
    source('vae/config.json', 'tiny VAE config (AutoencoderTiny)', 635),
    source('vae/diffusion_pytorch_model.safetensors', 'tiny VAE weights, float32', 9.79 * MB),
    source('text_encoder/model.safetensors', 'text encoder (OpenCLIP ViT-H, size not seen)', 1.36 * GB),
    source('tokenizer/vocab.json', 'CLIP tokenizer vocabulary', 1.06 * MB),
  ],
};

/** The paper's and the model card's figures, printed beside the bench's own. */
export const sdxsFacts = {
  unetParams: 0.32e9,
  decoderParams: 1.2e6,
  /** The safetensors file's size over 4 bytes a float32 weight. */
  unetParamsFromFile: 1.31e9 / 4,
  paperFps512: 100,
} as const;
