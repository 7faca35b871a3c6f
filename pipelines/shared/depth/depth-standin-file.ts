import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WeightFile } from '../../../src/runtime/weight-file';
import { buildDepthStandin } from './depth-anything-standin';
import type { DepthStandinConfig } from './depth-anything-standin';

/**
 * Writes the depth stand-in as `model.onnx` + `model.onnx.data` in `dir` and returns the model's path and its
 * parameter count; `zeros` leaves the weights as holes (structure only, for shape checks).
 */
export async function writeDepthStandin(
  dir: string,
  config: DepthStandinConfig,
  o: { seed?: number; weights?: 'random' | 'zeros' } = {},
): Promise<{ path: string; params: number }> {
  await mkdir(dir, { recursive: true });
  const file = new WeightFile(join(dir, 'model.onnx.data'));
  let built: { model: Uint8Array; params: number };
  try {
    built = buildDepthStandin(config, { half: false, weights: o.weights ?? 'random', seed: o.seed ?? 1, file });
  } finally {
    file.close();
  }
  const path = join(dir, 'model.onnx');
  await writeFile(path, built.model);
  return { path, params: built.params };
}
