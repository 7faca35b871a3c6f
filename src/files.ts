/** Where the server keeps its files, and how it writes them so a crash never leaves half a file behind. */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Settings (MIDI mappings, presets): `DAYDREAM_SCOPE_CONFIG_DIR`, else `~/.daydream-scope`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DAYDREAM_SCOPE_CONFIG_DIR;
  return dir ? resolve(dir) : join(homedir(), '.daydream-scope');
}

/** Downloaded model files: `DAYDREAM_SCOPE_MODELS_DIR`, else `~/.daydream-scope/models`. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DAYDREAM_SCOPE_MODELS_DIR;
  return dir ? resolve(dir) : join(homedir(), '.daydream-scope', 'models');
}

/**
 * Writes a file atomically: the bytes go to a temporary file beside it, are flushed to disk, and the temporary
 * file is renamed over the target. Readers see the old file or the new one, never a part.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
