/**
 * Byte counts as people read them, one rule everywhere (CLI, logs, error sentences, the panel): whole bytes below
 * one unit, then kB, MB, GB, TB with one decimal below 100 and none from 100 up (`999 B`, `1.5 kB`, `345 MB`,
 * `2.6 GB`). The base is stated at every call (`DECIMAL` or `BINARY`), because the project writes two kinds of size:
 * - `base: 1000` for files and downloads: model sizes are published in decimal units, and this matches them.
 * - `base: 1024` for memory: `--memory-budget 4GB` means 4 × 1024³ bytes (src/engine/memory-budget.ts), so a
 *   figure written back with the same unit names can be pasted into the flag and mean what it says.
 */
export interface ByteUnits {
  base: 1000 | 1024;
}

/** Files and downloads. */
export const DECIMAL: ByteUnits = { base: 1000 };
/** Memory. */
export const BINARY: ByteUnits = { base: 1024 };

const UNITS = ['kB', 'MB', 'GB', 'TB'] as const;

export function formatBytes(bytes: number, { base }: ByteUnits): string {
  if (Math.abs(bytes) < base) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit: string = UNITS[0];
  for (const u of UNITS) {
    unit = u;
    value /= base;
    if (Math.abs(value) < base) break;
  }
  return `${Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`;
}
