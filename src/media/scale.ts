import { fitModes } from '../shared/inputs';
import type { Image } from '../engine/frame';

/**
 * How a picture of another size or shape fills the output: `cover` scales until it fills and crops the excess
 * around the centre, `contain` fits it whole with black bars, `stretch` fills exactly and distorts.
 */
export const fits = fitModes;
export type Fit = (typeof fitModes)[number];

/**
 * Scales `src` (RGBA) to width x height with bilinear filtering, optionally mirrored left to right. Pure JS, a
 * few milliseconds at 512x512. The result is always a new, opaque buffer.
 */
export function scaleImage(src: Image, width: number, height: number, fit: Fit = 'cover', mirror = false): Image {
  return scalePacked(src.data, src.width, src.height, src.width * 4, RGB, width, height, fit, mirror);
}

/** Byte offsets of red, green and blue in a 4-byte pixel. */
export const RGB = [0, 1, 2] as const;
export const BGR = [2, 1, 0] as const;

/**
 * scaleImage for any 4-byte-per-pixel layout (RGBA, BGRA, BGRX) with rows `stride` bytes apart: the channel
 * order is swapped while sampling, so no converted copy of the source is ever made.
 */
export function scalePacked(
  s: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  stride: number,
  order: readonly [number, number, number],
  width: number,
  height: number,
  fit: Fit = 'cover',
  mirror = false,
): Image {
  const { cols, rows } = plan(srcWidth, srcHeight, width, height, fit, mirror);
  const out = new Uint8Array(width * height * 4);
  const [cr, cg, cb] = order;
  // Weights are integers in 0..256: the whole filter runs in int32 arithmetic.
  for (let j = 0, o = 0; j < height; j++) {
    const r0 = rows.a[j]! * stride;
    const r1 = rows.b[j]! * stride;
    const fy = rows.f[j]!;
    const gy = 256 - fy;
    const rowInside = rows.inside[j] === 1;
    for (let i = 0; i < width; i++, o += 4) {
      out[o + 3] = 255;
      // Outside the picture (contain's bars): black.
      if (!rowInside || cols.inside[i] !== 1) continue;
      const a = cols.a[i]! * 4;
      const b = cols.b[i]! * 4;
      const fx = cols.f[i]!;
      const gx = 256 - fx;
      // Written out per channel: a helper closure here costs twenty times the arithmetic.
      const p00 = r0 + a;
      const p01 = r0 + b;
      const p10 = r1 + a;
      const p11 = r1 + b;
      out[o] =
        ((s[p00 + cr]! * gx + s[p01 + cr]! * fx) * gy + (s[p10 + cr]! * gx + s[p11 + cr]! * fx) * fy + 32768) >> 16;
      out[o + 1] =
        ((s[p00 + cg]! * gx + s[p01 + cg]! * fx) * gy + (s[p10 + cg]! * gx + s[p11 + cg]! * fx) * fy + 32768) >> 16;
      out[o + 2] =
        ((s[p00 + cb]! * gx + s[p01 + cb]! * fx) * gy + (s[p10 + cb]! * gx + s[p11 + cb]! * fx) * fy + 32768) >> 16;
    }
  }
  return { data: out, width, height };
}

/** Per output column and row: the source pixels to sample and their weights, for a fit and a mirror. */
export function plan(srcWidth: number, srcHeight: number, width: number, height: number, fit: Fit, mirror = false) {
  const sx = fit === 'stretch' ? width / srcWidth : pick(fit, width / srcWidth, height / srcHeight);
  const sy = fit === 'stretch' ? height / srcHeight : sx;
  return { cols: taps(width, srcWidth, sx, mirror), rows: taps(height, srcHeight, sy, false) };
}

/** Scales `src` to cover width x height, the excess centre-cropped (the passthrough's way). */
export function scaleCover(src: Image, width: number, height: number, mirror = false): Image {
  return scaleImage(src, width, height, 'cover', mirror);
}

const pick = (fit: 'cover' | 'contain', a: number, b: number) => (fit === 'cover' ? Math.max(a, b) : Math.min(a, b));

/**
 * For each output position: the two source indices either side of its centre, the weight of the second in
 * 0..256, and whether it touches the picture at all (contain leaves bars outside it).
 */
function taps(outSize: number, srcSize: number, scale: number, mirror: boolean) {
  const a = new Int32Array(outSize);
  const b = new Int32Array(outSize);
  const f = new Int32Array(outSize);
  const inside = new Uint8Array(outSize);
  // The picture is centred: the source window starts `offset` pixels in (negative when it is smaller).
  const offset = (srcSize - outSize / scale) / 2;
  for (let i = 0; i < outSize; i++) {
    const k = mirror ? outSize - 1 - i : i;
    const centre = (k + 0.5) / scale + offset;
    // A pixel that overlaps the picture at all is part of it, so even a sliver thinner than a pixel shows.
    const half = 0.5 / scale;
    inside[i] = centre + half > 0 && centre - half < srcSize ? 1 : 0;
    const pos = Math.min(srcSize - 1, Math.max(0, centre - 0.5));
    const lo = Math.floor(pos);
    a[i] = lo;
    b[i] = Math.min(srcSize - 1, lo + 1);
    f[i] = Math.round((pos - lo) * 256);
  }
  return { a, b, f, inside };
}
