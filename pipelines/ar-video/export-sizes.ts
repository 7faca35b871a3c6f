/**
 * Per-size exports: `export.py --sizes 384,448,512` writes `<export>/384x384/`, `<export>/448x448/`, … each with
 * static spatial shapes (tools/ar-video-export/sizes.py). A pipeline loaded at one of those output sizes uses that
 * folder; at another it says which sizes the export has and the command that adds one. An export written without
 * `--sizes` keeps its files in the export folder itself and serves every output size by scaling, as before.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Size {
  width: number;
  height: number;
}

const SIZE_DIR = /^([1-9]\d{1,4})x([1-9]\d{1,4})$/;

/** `512x384`, the folder name of a size. */
export const sizeName = (s: Size) => `${s.width}x${s.height}`;

/** `512` for a square, else `512x384`: how `--sizes` writes a size. */
export const sizeArg = (s: Size) => (s.width === s.height ? String(s.width) : sizeName(s));

/**
 * The size folders under `dir`, smallest first; none when `dir` is missing or holds a single-size export. Read
 * synchronously because the preflight that lists an export's files is synchronous.
 */
export function sizeFolders(dir: string): Size[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const sizes: Size[] = [];
  for (const name of names) {
    const m = SIZE_DIR.exec(name);
    if (!m || !isDir(join(dir, name))) continue;
    sizes.push({ width: Number(m[1]), height: Number(m[2]) });
  }
  return sizes.sort((a, b) => a.width * a.height - b.width * b.height || a.width - b.width);
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether the export keeps its files in its own folder (written without `--sizes`). */
export const isSingleSize = (dir: string) => existsSync(join(dir, 'contract.json'));
