/**
 * Where the ControlNet files of a model are: the tiny ones generated on the spot beside the tiny model, the
 * stand-ins generated at real shape into the stand-in's folder, the real ones exported into the models folder.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileExists, writeFileAtomic } from '../../../src/files';
import type { ModelFiles } from '../models';
import { modelFile } from '../models';
import { tinyWeights } from '../tiny/graphs';
import { tinyVocab } from '../tiny/vocab';
import type { ControlNetFile } from './control-stage';
import { CONTROL_UNET_FILE, controlNetFile, exportCommand, exportedDir, sd21ControlNets } from './manifests';
import type { ControlNetName } from './params';
import { buildTinyControlNet, buildTinyControlUnet } from './tiny-controlnet';
import { generateStandinControlNets } from './standin-generate';

export interface ControlFiles {
  /** The UNet with the residual inputs, opened instead of the model's own. */
  unet: string;
  nets: ControlNetFile[];
}

type Named = Exclude<ControlNetName, 'none'>;

/** Seeds of the tiny ControlNets: each name its own network. */
const TINY_SEEDS: Record<Named, number> = { depth: 21, canny: 22, softedge: 23 };

/** Writes the tiny ControlNet UNet and ControlNets (hash-named folder, reused); returns the folder. */
export async function writeTinyControlNets(root = join(tmpdir(), 'daydream-scope-tiny-controlnet')): Promise<string> {
  const vocabSize = Object.keys(tinyVocab().vocab).length;
  // The tiny model's UNet weights (tiny/write.ts: dim 32, seed 13), so zero residuals give its ε exactly.
  const files: Record<string, Uint8Array> = {
    [CONTROL_UNET_FILE]: buildTinyControlUnet(tinyWeights(vocabSize, 32, 13)),
  };
  for (const [name, seed] of Object.entries(TINY_SEEDS)) files[controlNetFile(name)] = buildTinyControlNet(32, seed);
  const hash = createHash('sha256');
  for (const [name, data] of Object.entries(files)) hash.update(name).update(data);
  const dir = join(root, hash.digest('hex').slice(0, 16));
  for (const [name, data] of Object.entries(files)) {
    const path = modelFile(dir, name);
    if (!(await fileExists(path))) await writeFileAtomic(path, data);
  }
  return dir;
}

/**
 * The files for `names` with `model`; throws a sentence when the model has no ControlNets (SDXL) or a real one
 * was not exported yet (with the command that exports it).
 */
export async function resolveControlNets(
  model: ModelFiles,
  names: Named[],
  root: string,
  o: { width: number; height: number; progress?: (stage: string, fraction: number) => void },
): Promise<ControlFiles> {
  const unique = [...new Set(names)];
  let dir: string;
  if (model.xl) {
    throw new Error(`ControlNet needs an SD 2.1-family model (sd-turbo, its stand-ins, tiny); ${model.id} is SDXL`);
  } else if (model.id === 'tiny') {
    dir = await writeTinyControlNets();
  } else if (model.id === 'sd-turbo-standin' || model.id === 'sd-turbo-standin-fp32') {
    if (o.width % 64 || o.height % 64) {
      throw new Error(`the stand-in ControlNets need sizes that are multiples of 64, got ${o.width}x${o.height}`);
    }
    const half = model.id === 'sd-turbo-standin';
    dir = await generateStandinControlNets(
      model.dir,
      { half, width: o.width, height: o.height, names: unique },
      o.progress,
    );
  } else {
    dir = exportedDir(root);
    const wanted = [CONTROL_UNET_FILE, ...unique.map(controlNetFile)];
    const missing: string[] = [];
    for (const f of wanted) if (!(await fileExists(modelFile(dir, f)))) missing.push(f);
    if (missing.length > 0) {
      const from = unique.map((n) => sd21ControlNets[n].repo).join(', ');
      throw new Error(
        `ControlNet ${unique.join(', ')} for ${model.id} is not exported (missing in ${dir}: ${missing.join(', ')}): ` +
          `run \`${exportCommand(root, unique)}\` (reads ${from})`,
      );
    }
  }
  return {
    unet: modelFile(dir, CONTROL_UNET_FILE),
    nets: names.map((name) => ({ name, path: modelFile(dir, controlNetFile(name)) })),
  };
}
