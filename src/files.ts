/** Where the server keeps its files, and how it writes them so a crash never leaves half a file behind. */
import { randomBytes } from 'node:crypto';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';

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
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    // The mode is set as the file is made, so a secret is never readable by others, not even for a moment.
    const file = await open(tmp, 'w', options.mode ?? 0o666);
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

/**
 * Reads a settings file (MIDI mappings, presets) checked by `schema`. A missing file is `undefined`; one that
 * cannot be read, or is not valid, is `undefined` too, with one sentence in the log naming `what` — and an invalid
 * one is moved aside to `<path>.bad`, so the next save never silently destroys what a person may want back.
 */
export async function readSettingsFile<T>(
  path: string,
  schema: z.ZodType<T>,
  what: string,
  log: (message: string) => void,
): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      log(`${what}: could not read ${path} (${(err as Error).message}); starting empty.`);
    }
    return undefined;
  }
  let problem: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    problem = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  } catch (err) {
    problem = `not JSON: ${(err as Error).message}`;
  }
  const bad = `${path}.bad`;
  try {
    await rename(path, bad);
    log(`${what}: ${path} is not valid (${problem}); kept it as ${bad} and started empty.`);
  } catch (err) {
    log(
      `${what}: ${path} is not valid (${problem}) and could not be moved aside (${(err as Error).message}); starting empty.`,
    );
  }
  return undefined;
}

/** Whether a file or folder is there (and reachable). */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
