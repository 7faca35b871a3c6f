import { open, unlink } from 'node:fs/promises';

/** A part larger than this holds frames for sure: its first fragment follows a header of a few KB. */
const HEADER_LIMIT = 64 * 1024;

/**
 * Removes `file` when it holds no frame: empty, or the fragmented MP4 header alone (no `moof` fragment), as ffmpeg
 * leaves it when it fails before its first fragment. Returns whether it was removed; a file with a fragment stays,
 * since it plays up to its last complete one.
 */
export async function removeIfEmpty(file: string): Promise<boolean> {
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > HEADER_LIMIT) return false;
      head = Buffer.alloc(size);
      await handle.read(head, 0, size, 0);
    } finally {
      await handle.close();
    }
  } catch {
    // Never created (ffmpeg did not start), or gone already.
    return false;
  }
  if (head.includes('moof')) return false;
  await unlink(file).catch(() => undefined);
  return true;
}
