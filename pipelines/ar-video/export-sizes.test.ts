/**
 * Exports written with `--sizes` (tools/ar-video-export/sizes.py): one `<W>x<H>` folder per size. The pipeline
 * loads the folder of its output size, or says which sizes the export has and the command for another. The size
 * folders here hold generated tiny exports (pipelines/ar-video/tiny) at two sizes.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileExists } from '../../src/files';
import { OrtRuntime } from '../../src/runtime/ort';
import { longlive, longliveSpec } from '../longlive/longlive';
import { exportDir, exportNeeds, longliveExport } from './export-manifest';
import { sizeFolders } from './export-sizes';
import { loadPipeline, paramsOf } from './test-support';
import { writeTinyExport } from './tiny/write';

const runtime = new OrtRuntime({ intraOpThreads: 1, device: 'cpu' });
let models = '';
let base = '';

/** A tiny export at `width`x`height` in the export's `<W>x<H>` folder. */
async function writeSize(width: number, height: number) {
  const written = await writeTinyExport({ ...longliveSpec.tiny, width, height }, join(models, 'tiny'));
  const folder = join(base, `${width}x${height}`);
  await rename(written, folder);
  // The tiny graphs keep their weights inside and have one decoder for every chunk: the manifest's other files
  // (weights beside the real graphs, the first-chunk decoder) are empty stand-ins the tiny contract never opens.
  for (const f of longliveExport.files) {
    if (!(await fileExists(join(folder, f.file)))) await writeFile(join(folder, f.file), '');
  }
  return folder;
}

async function load(width: number, height: number, logs: string[] = []) {
  const params = paramsOf(longlive, { model: 'longlive-1.3b' }, { width, height });
  return loadPipeline(longliveSpec, params, runtime, { prefetch: false, modelsDir: models }, logs);
}

beforeAll(async () => {
  models = await mkdtemp(join(tmpdir(), 'ar-sizes-'));
  base = exportDir(models, longliveExport);
  await mkdir(base, { recursive: true });
  await writeSize(64, 32);
  await writeSize(64, 64);
  await mkdir(join(base, 'notes'));
});

afterAll(async () => {
  await runtime.close();
  await rm(models, { recursive: true, force: true });
});

describe('per-size ar-video exports', () => {
  it('finds the size folders, smallest first, and nothing else', () => {
    expect(sizeFolders(base)).toEqual([
      { width: 64, height: 32 },
      { width: 64, height: 64 },
    ]);
    expect(sizeFolders(join(models, 'absent'))).toEqual([]);
  });

  it('loads the folder of the output size, at that size', async () => {
    for (const [width, height] of [
      [64, 32],
      [64, 64],
    ] as const) {
      const logs: string[] = [];
      const p = await load(width, height, logs);
      try {
        expect(p.arStream!.model.config).toMatchObject({ width, height, latent: { width: 8, height: height / 8 } });
        expect(logs.join('\n')).toContain(`tiny-longlive: ${width}x${height},`);
      } finally {
        await p.unload();
      }
    }
  });

  it('at a size the export lacks it names the sizes it has and the command for this one', async () => {
    await expect(load(48, 48)).rejects.toThrow(
      `longlive: the longlive-1.3b export in ${base} has 64x32, 64x64, not 48x48: set the output size to one of ` +
        'those, or on a machine with an NVIDIA GPU and the upstream checkpoints run ' +
        `\`python tools/ar-video-export/export.py longlive --sizes 48 --out ${base}\` (docs/ar-video.md)`,
    );
  });

  it('a size folder missing files says which, with the command for that size', async () => {
    await writeSize(32, 32);
    await rm(join(base, '32x32', 'block.onnx'));
    try {
      await expect(load(32, 32)).rejects.toThrow(
        `longlive needs the longlive-1.3b export (≈14.6 GB) in ${join(base, '32x32')}: on a machine with an NVIDIA ` +
          `GPU and the upstream checkpoints run \`python tools/ar-video-export/export.py longlive --sizes 32 --out ` +
          `${base}\` (docs/ar-video.md), or choose model "tiny" (missing: block.onnx)`,
      );
      // The preflight checks every size folder and names the folder of a missing file.
      const needs = exportNeeds(longliveExport, models);
      expect(needs.files).toHaveLength(3 * longliveExport.files.length);
      const absent = needs.files.filter((f) => f.path.endsWith(join('32x32', 'block.onnx')));
      expect(needs.missing!(absent).message).toMatch(/\(missing: 32x32\/block\.onnx\)$/);
    } finally {
      await rm(join(base, '32x32'), { recursive: true, force: true });
    }
  });
});
