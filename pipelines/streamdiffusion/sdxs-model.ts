/**
 * Where the fast tier's files are: the SDXS-shaped stand-in, generated per size on first use, or an export of
 * IDKiro/sdxs-512-0.9 made by tools/sd-variants-export into `<models>/exports/sdxs-512/<W>x<H>/`, one folder per
 * size because the export's spatial sizes are static. Both decode with the model's own tiny VAE (AutoencoderTiny,
 * latents unscaled), so `vae: full` and `vae: tiny` open the same files.
 */
import { join } from 'node:path';
import { fileExists } from '../../src/files';
import { SDXS_REPO, sdxsSourceManifest } from './sdxs-manifest';
import { approxSize } from './manifests';
import { checkStandinSize } from './standin/families';
import { generateStandin } from './standin/generate';

export type SdxsId = 'sdxs' | 'sdxs-standin' | 'sdxs-standin-fp32';

interface SdxsFiles {
  dir: string;
  vaeDir: string;
  latentScale: number;
  padTokens: [string, string];
}

const needed = ['tokenizer/vocab.json', 'tokenizer/merges.txt', 'text_encoder/model.onnx', 'unet/model.onnx'];
const vaeFiles = ['vae_decoder/model.onnx', 'vae_encoder/model.onnx'];

/** The export folder for one size. */
export const sdxsExportDir = (root: string, width: number, height: number) =>
  join(root, 'exports', 'sdxs-512', `${width}x${height}`);

/** The command that writes the export for `sizes` (square ones by default). */
export function sdxsExportCommand(root: string, width: number, height: number): string {
  const size = width === height ? `${width}` : `${width}x${height}`;
  return (
    `python tools/sd-variants-export/export.py --model ${SDXS_REPO} --variant webgpu --sizes ${size} ` +
    `--out ${join(root, 'exports', 'sdxs-512')}`
  );
}

/** Finds (or generates) the files of an SDXS model at `width × height`; throws a sentence when they are missing. */
export async function resolveSdxs(
  id: SdxsId,
  root: string,
  width: number,
  height: number,
  progress?: (stage: string, fraction: number) => void,
): Promise<SdxsFiles> {
  const sizeError = checkStandinSize('sdxs', width, height);
  if (sizeError) throw new Error(sizeError.replace('stand-in sizes', 'image sizes'));
  const padTokens: [string, string] = ['!', '!'];
  if (id !== 'sdxs') {
    const dir = await generateStandin(root, { family: 'sdxs', half: id === 'sdxs-standin', width, height }, (n, f) =>
      progress?.(`generating the SDXS stand-in ${n} (random weights, once)`, f * 0.9),
    );
    return { dir, vaeDir: dir, latentScale: 1, padTokens };
  }
  const dir = sdxsExportDir(root, width, height);
  const missing: string[] = [];
  for (const f of [...needed, ...vaeFiles]) if (!(await fileExists(join(dir, ...f.split('/'))))) missing.push(f);
  if (missing.length > 0) {
    throw new Error(
      `streamdiffusion's sdxs at ${width}x${height} needs an ONNX export of ${SDXS_REPO} ` +
        `(${approxSize(sdxsSourceManifest.artifacts)} of weights fetched by the exporter): run ` +
        `\`${sdxsExportCommand(root, width, height)}\` on a machine with torch and diffusers ` +
        `(missing in ${dir}: ${missing.join(', ')})`,
    );
  }
  return { dir, vaeDir: dir, latentScale: 1, padTokens };
}
