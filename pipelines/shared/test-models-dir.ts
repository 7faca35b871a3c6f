/** A models folder of a test file's own, so that its tests never read the user's models or another file's. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * For the top level of a test file or a describe: a fresh empty folder that DAYDREAM_SCOPE_MODELS_DIR names
 * while its tests run; afterwards the variable is as it was and the folder is gone. Called before the file's own
 * hooks, its beforeAll runs first (the file can write LoRAs and pictures into it) and its afterAll last (after the
 * pipelines and servers that read it are stopped). Answers the folder's path, known once the tests start.
 */
export function tempModelsDir(prefix: string): () => string {
  const saved = process.env.DAYDREAM_SCOPE_MODELS_DIR;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    process.env.DAYDREAM_SCOPE_MODELS_DIR = dir;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.DAYDREAM_SCOPE_MODELS_DIR;
    else process.env.DAYDREAM_SCOPE_MODELS_DIR = saved;
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error('the models folder is made when the tests start');
    return dir;
  };
}
