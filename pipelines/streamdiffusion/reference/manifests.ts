import type { SizedManifest } from '../manifests';

/*
 * The weights the IP-Adapter exporter (tools/ip-adapter-export) reads, from h94/IP-Adapter (Apache-2.0). What was
 * checked, from file listings (not downloaded, no checksums): sdxl_models/ip-adapter_sdxl_vit-h.bin is 698 MB at
 * 5c2eae7d…, and mirrors of the .safetensors form of the same weights list 698 MB; a listing of the repository's
 * ignore file names sdxl_models/ip-adapter_sdxl_vit-h.safetensors and models/image_encoder/{config.json,
 * model.safetensors}. Not seen: the image encoder's size (OpenCLIP ViT-H/14 vision tower with projection, 1024-wide
 * image_embeds; ≈2.5 GB in float32 is an estimate). No IP-Adapter trained for SD 2.1 (SD-Turbo's base, 1024-wide
 * cross-attention) is published there: the SD 1.5 ones have 768-wide to_k_ip/to_v_ip and do not fit SD-Turbo's
 * UNet, so the reference image on real weights means SDXL-Turbo with this adapter (docs/reference-image.md).
 */
const MB = 1e6;
const GB = 1e9;
const repo = 'h94/IP-Adapter';

/** IP-Adapter for SDXL with the ViT-H image encoder: the exporter's inputs for sdxl-turbo's `reference`. */
export const ipAdapterSdxlVitHManifest: SizedManifest = {
  id: 'ip-adapter-sdxl-vit-h',
  pipeline: 'streamdiffusion',
  description:
    'IP-Adapter for SDXL (ViT-H image encoder): the torch weights tools/ip-adapter-export turns into the ' +
    'image_encoder and unet_ip ONNX files of sdxl-turbo’s reference image',
  artifacts: [
    {
      repo,
      revision: 'main',
      file: 'sdxl_models/ip-adapter_sdxl_vit-h.safetensors',
      role: 'IP-Adapter (image projection, to_k_ip/to_v_ip)',
      approxBytes: 698 * MB,
    },
    {
      repo,
      revision: 'main',
      file: 'models/image_encoder/config.json',
      role: 'image encoder config',
      approxBytes: 1e3,
    },
    {
      repo,
      revision: 'main',
      file: 'models/image_encoder/model.safetensors',
      role: 'image encoder (CLIP ViT-H/14)',
      approxBytes: 2.5 * GB,
    },
  ],
};
