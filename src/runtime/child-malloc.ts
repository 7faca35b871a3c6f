/**
 * glibc's malloc settings for the sessions' child process. onnxruntime-node copies every run output into an
 * ArrayBuffer of its own (docs/shared-frames.md), so the child allocates a frame's bytes each frame and frees them a
 * few dozen frames later, when V8 collects them. Left to itself, glibc maps each such block (1 MiB at 512x512, more
 * than its 128 KiB threshold) fresh from the kernel and gives the memory back once a collection frees a batch, so
 * frames fault their pages in again: 30-40 page faults a frame at 512x512 on an idle 2-core VM, 190-210 under load.
 * With the threshold raised and the top of the heap kept, the same heap pages serve every frame. Set through the
 * environment the child starts with (glibc reads GLIBC_TUNABLES once, at start); other C libraries ignore it.
 */

/** Blocks up to this size come from the heap: glibc's largest on 64-bit (a 4K UHD RGBA frame, 33.2 MB, fits). */
const MMAP_THRESHOLD = 32 * 2 ** 20;
/** Free memory at the top of the heap kept for reuse: more than the frames one collection frees at once. */
const TRIM_THRESHOLD = 64 * 2 ** 20;

const ours: Record<string, number> = {
  'glibc.malloc.mmap_threshold': MMAP_THRESHOLD,
  'glibc.malloc.trim_threshold': TRIM_THRESHOLD,
};

/**
 * GLIBC_TUNABLES for the child: `existing` (the server's own environment's value) with the malloc thresholds added,
 * except those it sets itself, which stay as given.
 */
export function childMallocTunables(existing: string | undefined): string {
  const given = (existing ?? '').split(':').filter((t) => t.includes('='));
  const named = new Set(given.map((t) => t.slice(0, t.indexOf('='))));
  const added = Object.entries(ours)
    .filter(([name]) => !named.has(name))
    .map(([name, value]) => `${name}=${value}`);
  return [...given, ...added].join(':');
}
