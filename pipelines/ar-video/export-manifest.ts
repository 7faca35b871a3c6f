/**
 * Where an exported model lives and what it holds. These models are not downloaded: nobody publishes ONNX files
 * of them, so the exporter (tools/ar-video-export) writes them from the upstream checkpoints on a machine with a
 * GPU, into `<models dir>/exports/<id>/`. A missing export is one sentence: what, how big, the command.
 */
import { basename, join } from 'node:path';
import { fileExists, modelsDir } from '../../src/files';
import type { ParamSnapshot } from '../../src/engine/pipeline';
import type { PreflightContext, PreflightNeeds } from '../../src/engine/preflight';
import { isSingleSize, sizeArg, sizeFolders, sizeName, type Size } from './export-sizes';

export interface ExportFile {
  file: string;
  role: string;
  /** Weights: parameter counts × 2 bytes (float16); graphs and the tokenizer: estimates. Never measured files. */
  approxBytes: number;
}

export interface ExportManifest {
  /** Folder name under exports/, also the `--out` name the exporter suggests. */
  id: string;
  pipeline: string;
  description: string;
  /** The exporter's model argument: `python tools/ar-video-export/export.py <model>`. */
  exporterModel: string;
  files: ExportFile[];
}

const MB = 1e6;
const GB = 1e9;

const common: ExportFile[] = [
  { file: 'contract.json', role: 'contract (shapes, cache, schedule)', approxBytes: 2e3 },
  { file: 'block.onnx', role: 'causal DiT block graph', approxBytes: 2 * MB },
  { file: 'block.onnx.data', role: 'DiT weights (1.42 B parameters)', approxBytes: 2.84 * GB },
  { file: 'text_encoder.onnx', role: 'umT5-xxl encoder graph', approxBytes: 2 * MB },
  { file: 'text_encoder.onnx.data', role: 'umT5-xxl weights (5.68 B parameters)', approxBytes: 11.4 * GB },
  { file: 'tokenizer.json', role: 'umT5 tokenizer', approxBytes: 16.8 * MB },
  { file: 'vae_decoder.onnx', role: 'Wan VAE decoder, steady chunks (73 M parameters)', approxBytes: 147 * MB },
  { file: 'vae_decoder_first.onnx', role: 'Wan VAE decoder, first chunk', approxBytes: 147 * MB },
  { file: 'tae_decoder.onnx', role: 'TAEHV (taew2_1) decoder (9.8 M parameters)', approxBytes: 20 * MB },
];

export const longliveExport: ExportManifest = {
  id: 'longlive-1.3b',
  pipeline: 'longlive',
  description: 'LongLive 1.3B (NVlabs/LongLive v1.0, Wan2.1-T2V-1.3B + LoRA) as ar-video contract graphs',
  exporterModel: 'longlive',
  files: common,
};

export const streamDiffusionV2Export: ExportManifest = {
  id: 'streamdiffusionv2-1.3b',
  pipeline: 'streamdiffusionv2',
  description: 'StreamDiffusionV2 1.3B (chenfengxu714/StreamDiffusionV2) as ar-video contract graphs',
  exporterModel: 'streamdiffusionv2',
  files: [
    ...common,
    { file: 'vae_encoder.onnx', role: 'Wan VAE encoder, steady chunks (54 M parameters)', approxBytes: 107 * MB },
    { file: 'vae_encoder_first.onnx', role: 'Wan VAE encoder, first chunk', approxBytes: 107 * MB },
  ],
};

/** The export's folder under a models dir. */
export const exportDir = (root: string, m: ExportManifest) => join(root, 'exports', m.id);

/** "≈14.6 GB". */
export function approxSize(files: readonly ExportFile[]): string {
  const bytes = files.reduce((sum, f) => sum + f.approxBytes, 0);
  return bytes >= GB ? `≈${(bytes / GB).toFixed(1)} GB` : `≈${Math.round(bytes / MB)} MB`;
}

/**
 * The folder to load for the output `size`: the export folder itself when it was written at one size (frames are
 * scaled), or its `<W>x<H>` folder when it was written with `--sizes`. Every file must be there; otherwise an
 * error saying what to export, how big and how, or which sizes the export has.
 */
export async function resolveExport(m: ExportManifest, root: string, size?: Size): Promise<string> {
  const base = exportDir(root, m);
  const sizes = size && !isSingleSize(base) ? sizeFolders(base) : [];
  let dir = base;
  if (size && sizes.length > 0) {
    const match = sizes.find((s) => s.width === size.width && s.height === size.height);
    if (!match) throw new Error(missingSize(m, root, size, sizes));
    dir = join(base, sizeName(match));
  }
  const missing: string[] = [];
  for (const f of m.files) if (!(await fileExists(join(dir, f.file)))) missing.push(f.file);
  if (missing.length === 0) return dir;
  throw new Error(missingExport(m, root, missing, sizes.length > 0 ? size : undefined).message);
}

/** The command that writes the export (on a machine with a GPU and the upstream checkpoints), or one size of it. */
export const exportCommand = (m: ExportManifest, root: string, size?: Size) =>
  `python tools/ar-video-export/export.py ${m.exporterModel}${size ? ` --sizes ${sizeArg(size)}` : ''} --out ${exportDir(root, m)}`;

/** What to say when an export written with `--sizes` lacks the output size the pipeline is loaded at. */
export function missingSize(m: ExportManifest, root: string, size: Size, sizes: readonly Size[]): string {
  return (
    `${m.pipeline}: the ${m.id} export in ${exportDir(root, m)} has ${sizes.map(sizeName).join(', ')}, ` +
    `not ${sizeName(size)}: set the output size to one of those, or on a machine with an NVIDIA GPU and the ` +
    `upstream checkpoints run \`${exportCommand(m, root, size)}\` (docs/ar-video.md)`
  );
}

/** What to say when files of the export are missing (`missing`: their names), and the command that makes them. */
export function missingExport(
  m: ExportManifest,
  root: string,
  missing: string[],
  size?: Size,
): { message: string; fix: string } {
  const dir = size ? join(exportDir(root, m), sizeName(size)) : exportDir(root, m);
  const shown =
    missing.length > 3 ? `${missing.slice(0, 3).join(', ')} and ${missing.length - 3} more` : missing.join(', ');
  const fix = exportCommand(m, root, size);
  const message =
    `${m.pipeline} needs the ${m.id} export (${approxSize(m.files)}) in ${dir}: on a machine with an NVIDIA GPU ` +
    `and the upstream checkpoints run \`${fix}\` (docs/ar-video.md), or choose model "tiny" ` +
    `(missing: ${shown})`;
  return { message, fix };
}

/**
 * The export's files as a preflight sees them (no exact sizes: the export writes them). An export written with
 * `--sizes` needs every size folder complete; which one fits the output size is decided at load.
 */
export function exportNeeds(m: ExportManifest, root: string): PreflightNeeds {
  const base = exportDir(root, m);
  const folders = isSingleSize(base) ? [] : sizeFolders(base).map((s) => join(base, sizeName(s)));
  const byPath = new Map<string, string>();
  for (const dir of folders.length > 0 ? folders : [base]) {
    // Per-size folders name the folder too: `384x384/block.onnx`.
    for (const f of m.files) byPath.set(join(dir, f.file), dir === base ? f.file : `${basename(dir)}/${f.file}`);
  }
  const roles = new Map(m.files.map((f) => [f.file, f.role]));
  return {
    files: [...byPath].map(([path, file]) => ({ path, role: roles.get(file) ?? file })),
    missing: (files) =>
      missingExport(
        m,
        root,
        files.map((f) => byPath.get(f.path) ?? f.path),
      ),
  };
}

/** The preflight of an ar-video pipeline: the export's files, unless the generated tiny model is chosen. */
export function exportPreflight(m: ExportManifest) {
  return (_ctx: PreflightContext, params: ParamSnapshot): PreflightNeeds | undefined =>
    params.model === 'tiny' ? undefined : exportNeeds(m, modelsDir());
}
