import { join } from 'node:path';
import { fileExists } from '../../../src/files';
import type { ModelId } from '../models';

/** The two files of an IP-Adapter export: the image encoder and the UNet with the decoupled cross-attention. */
export interface AdapterFiles {
  encoder: string;
  unet: string;
}

/** Where the exporter (tools/ip-adapter-export) writes a model's IP-Adapter under the models folder. */
export const adapterDir = (models: string, id: ModelId) => join(models, 'ip-adapter', id);

/**
 * The IP-Adapter files for a model: generated for the tiny model and the stand-ins, the exporter's under
 * `<models>/ip-adapter/<id>/` for the real ones; throws a sentence saying what is missing and how to make it.
 */
export async function resolveAdapter(
  id: ModelId,
  models: string,
  size: { width: number; height: number } = { width: 512, height: 512 },
): Promise<AdapterFiles> {
  if (id === 'sd-turbo-standin' || id === 'sd-turbo-standin-fp32') {
    // Random weights at the real sizes, generated beside the stand-in model on first use (minutes, once).
    const { generateStandinIp } = await import('./standin-ip-generate');
    return generateStandinIp(models, { half: id === 'sd-turbo-standin', ...size });
  }
  if (id === 'tiny' || id === 'tiny-xl') {
    const { writeTinyIpAdapter } = await import('./tiny-write');
    return writeTinyIpAdapter({ xl: id === 'tiny-xl' });
  }
  const dir = adapterDir(models, id);
  const files = { encoder: join(dir, 'image_encoder', 'model.onnx'), unet: join(dir, 'unet_ip', 'model.onnx') };
  const missing = [];
  for (const f of Object.values(files)) if (!(await fileExists(f))) missing.push(f);
  if (missing.length === 0) return files;
  throw new Error(
    `a reference image needs an IP-Adapter export for ${id}, and ${missing.join(' and ')} ` +
      `${missing.length > 1 ? 'are' : 'is'} missing: make it with tools/ip-adapter-export (docs/reference-image.md)`,
  );
}
