/** Free space before a download starts, so a 5 GB model does not fail at 4.9 GB. */
import { statfs as fsStatfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DownloadError } from './hub';
import { DECIMAL, formatBytes } from '../shared/bytes';

/** The part of `fs.statfs` this needs; injectable so tests can pretend a disk is full. */
export type StatFs = (path: string) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

export const defaultStatfs: StatFs = (path) => fsStatfs(path);

/** Bytes left on a disk after a download, so the system and the partial files of others still fit. */
const RESERVE = 64 * 1024 * 1024;

/** Bytes available to this user on the disk of `dir` (or of its nearest existing parent). */
export async function freeBytes(dir: string, statfs: StatFs = defaultStatfs): Promise<number> {
  let path = dir;
  for (;;) {
    try {
      const s = await statfs(path);
      return Number(s.bavail) * Number(s.bsize);
    } catch (err) {
      const parent = dirname(path);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw err;
      path = parent;
    }
  }
}

/** Throws a `disk` DownloadError when `needed` bytes (plus a small reserve) do not fit in `dir`. */
export async function ensureSpace(dir: string, needed: number, what: string, statfs?: StatFs): Promise<void> {
  if (needed <= 0) return;
  const free = await freeBytes(dir, statfs);
  if (free >= needed + RESERVE) return;
  throw new DownloadError(
    'disk',
    `not enough disk space for ${what}: it needs ${formatBytes(needed, DECIMAL)} more, ${formatBytes(free, DECIMAL)} is free in ${dir}. Free some space or choose another folder with --dir or DAYDREAM_SCOPE_MODELS_DIR`,
  );
}
