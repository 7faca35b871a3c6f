/** Where the server keeps its files, and how it writes them so a crash never leaves half a file behind. */
import { scopeEnv } from './flag-env';
import { randomBytes } from 'node:crypto';
import { access, mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ScopeError } from './kernel/errors';

/** Settings (MIDI mappings, presets): `DAYDREAM_SCOPE_CONFIG_DIR`, else `~/.daydream-scope`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = scopeEnv('DAYDREAM_SCOPE_CONFIG_DIR', env);
  return dir ? resolve(dir) : join(homedir(), '.daydream-scope');
}

/** Downloaded model files: `DAYDREAM_SCOPE_MODELS_DIR`, else `~/.daydream-scope/models`. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = scopeEnv('DAYDREAM_SCOPE_MODELS_DIR', env);
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

/** How writeFileAtomic names its temporary files: `<name>.<12 hex>.tmp`. */
const tempOf = (name: string) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]{12}\\.tmp$`);

/**
 * Removes the temporary files a crash (or a full disk) left beside `path` mid-write; answers how many. Called as a
 * settings file is read at start, before anything writes it.
 */
export async function removeStaleTemps(path: string): Promise<number> {
  const pattern = tempOf(basename(path));
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const stale = names.filter((n) => pattern.test(n));
  await Promise.all(stale.map((n) => rm(join(dirname(path), n), { force: true })));
  return stale.length;
}

const WHY: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EACCES: 'the server may not write there',
  EPERM: 'the server may not write there',
};

/** A failed save as the API answers it (507): a sentence saying why and that nothing changed. */
export function saveFailed(what: string, path: string, err: unknown): ScopeError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = (code && WHY[code]) ?? (err as Error).message;
  return new ScopeError(
    'save_failed',
    `could not save ${what} to ${path}: ${why}${code ? ` (${code})` : ''}; nothing was changed, free some space or fix the folder and try again`,
  );
}

/** `<path>.<time>.bad` (`-2`, `-3` after the time if that name is taken): each damaged file kept, none overwritten. */
export async function badCopyPath(path: string, at: Date = new Date()): Promise<string> {
  const stamp = `${path}.${at.toISOString().replace(/[:.]/g, '-')}`;
  let name = `${stamp}.bad`;
  for (let n = 2; await fileExists(name); n++) name = `${stamp}-${n}.bad`;
  return name;
}

/**
 * Reads a settings file (MIDI mappings, presets) checked by `schema`. A missing file is `undefined`; one that
 * cannot be read, or is not valid, is `undefined` too, with one sentence in the log naming `what` — and an invalid
 * one is moved aside to `<path>.<time>.bad`, so the next save never silently destroys what a person may want back.
 * Temporary files a crash left beside it are removed first.
 */
export async function readSettingsFile<T>(
  path: string,
  schema: z.ZodType<T>,
  what: string,
  log: (message: string) => void,
): Promise<T | undefined> {
  const stale = await removeStaleTemps(path);
  if (stale > 0) log(`${what}: removed ${stale} unfinished temporary file(s) beside ${path} (an interrupted save).`);
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
  const bad = await badCopyPath(path);
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
