import { join } from 'node:path';
import { fileExists } from '../../../src/files';
import type { ModelId } from '../models';

/**
 * The files of an IP-Adapter export: the image encoder and the UNet with the decoupled cross-attention, and, where
 * a ControlNet is loaded, the UNet that also takes the ControlNet residuals (`controlUnet`).
 */
export interface AdapterFiles {
  encoder: string;
  unet: string;
  controlUnet?: string;
}

/** The UNet with both the ControlNet residual inputs and the IP-Adapter's, inside an adapter's folder. */
export const CONTROL_IP_UNET_FILE = 'unet_controlnet_ip/model.onnx';

/** Where the exporter (tools/ip-adapter-export) writes a model's IP-Adapter under the models folder. */
export const adapterDir = (models: string, id: ModelId) => join(models, 'ip-adapter', id);

/** The exporter's command that writes the UNet for a ControlNet and a reference at once, into `dir`. */
export const controlIpExportCommand = (dir: string) =>
  'python tools/ip-adapter-export/export.py --model <the model’s diffusers folder> --adapter <IP-Adapter checkpoint> ' +
  `--encoder <its image_encoder folder> --controlnet --out ${dir}`;

/**
 * The IP-Adapter files for a model (with `controlnet`: the combined UNet too): generated for the tiny model and the
 * stand-ins, the exporter's under `<models>/ip-adapter/<id>/` for the real ones; throws a sentence saying what is
 * missing and how to make it.
 */
export async function resolveAdapter(
  id: ModelId,
  models: string,
  size: { width: number; height: number } = { width: 512, height: 512 },
  o: { controlnet?: boolean } = {},
): Promise<AdapterFiles> {
  const controlnet = o.controlnet ?? false;
  if (id === 'sd-turbo-standin' || id === 'sd-turbo-standin-fp32') {
    // Random weights at the real sizes, generated beside the stand-in model on first use (minutes, once).
    const { generateStandinIp } = await import('./standin-ip-generate');
    return generateStandinIp(models, { half: id === 'sd-turbo-standin', ...size, controlnet });
  }
  if (id === 'tiny' || id === 'tiny-xl') {
    const { writeTinyIpAdapter } = await import('./tiny-write');
    return writeTinyIpAdapter({ xl: id === 'tiny-xl' });
  }
  const dir = adapterDir(models, id);
  const files: AdapterFiles = {
    encoder: join(dir, 'image_encoder', 'model.onnx'),
    unet: join(dir, 'unet_ip', 'model.onnx'),
    ...(controlnet ? { controlUnet: join(dir, ...CONTROL_IP_UNET_FILE.split('/')) } : {}),
  };
  const missing = [];
  for (const f of [files.encoder, files.unet]) if (!(await fileExists(f))) missing.push(f);
  if (missing.length > 0) {
    throw new Error(
      `a reference image needs an IP-Adapter export for ${id}, and ${missing.join(' and ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing: make it with tools/ip-adapter-export (docs/reference-image.md)`,
    );
  }
  if (files.controlUnet && !(await fileExists(files.controlUnet))) {
    throw new Error(
      `a reference image and a ControlNet at once need the UNet with both inputs, and ${files.controlUnet} is ` +
        `missing: run \`${controlIpExportCommand(dir)}\` (docs/reference-image.md), or set controlnet to none`,
    );
  }
  return files;
}
