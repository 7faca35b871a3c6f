import type { Image } from './frame';

/** `a` and `b` (the same size) mixed by `k`: 0 is all `a`, 1 all `b`. A new image; the inputs are not touched. */
export function blendImages(a: Image, b: Image, k: number): Image {
  if (a.width !== b.width || a.height !== b.height) throw new Error('only images of the same size can be blended');
  const t = Math.round(Math.min(1, Math.max(0, k)) * 256);
  const out = new Uint8Array(a.data.length);
  const x = a.data;
  const y = b.data;
  // Integer weights out of 256: exact at both ends; one pass over the pixels, cheap beside the two renders it mixes.
  for (let i = 0; i < out.length; i++) out[i] = (x[i]! * (256 - t) + y[i]! * t + 128) >> 8;
  return { data: out, width: a.width, height: a.height };
}
