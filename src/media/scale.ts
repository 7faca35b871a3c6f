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
  const sx = fit === 'stretch' ? width / src.width : pick(fit, width / src.width, height / src.height);
  const sy = fit === 'stretch' ? height / src.height : sx;
  const cols = taps(width, src.width, sx, mirror);
  const rows = taps(height, src.height, sy, false);
  const out = new Uint8Array(width * height * 4);
  const s = src.data;
  const stride = src.width * 4;
  let o = 0;
  for (let j = 0; j < height; j++) {
    const r0 = rows.a[j]! * stride;
    const r1 = rows.b[j]! * stride;
    const fy = rows.f[j]!;
    const rowInside = rows.inside[j] === 1;
    for (let i = 0; i < width; i++) {
      if (!rowInside || cols.inside[i] !== 1) {
        // Outside the picture (contain's bars): black.
        out[o + 3] = 255;
        o += 4;
        continue;
      }
      const a = cols.a[i]! * 4;
      const b = cols.b[i]! * 4;
      const fx = cols.f[i]!;
      for (let ch = 0; ch < 3; ch++) {
        const top = s[r0 + a + ch]! + (s[r0 + b + ch]! - s[r0 + a + ch]!) * fx;
        const bottom = s[r1 + a + ch]! + (s[r1 + b + ch]! - s[r1 + a + ch]!) * fx;
        // Uint8Array stores truncate: +0.5 rounds, and the sum never exceeds 255.5.
        out[o++] = top + (bottom - top) * fy + 0.5;
      }
      out[o++] = 255;
    }
  }
  return { data: out, width, height };
}

/** Scales `src` to cover width x height, the excess centre-cropped (the passthrough's way). */
export function scaleCover(src: Image, width: number, height: number, mirror = false): Image {
  return scaleImage(src, width, height, 'cover', mirror);
}

const pick = (fit: 'cover' | 'contain', a: number, b: number) => (fit === 'cover' ? Math.max(a, b) : Math.min(a, b));

/**
 * For each output position: the two source indices either side of its centre, the weight of the second, and
 * whether it touches the picture at all (contain leaves bars outside it).
 */
function taps(outSize: number, srcSize: number, scale: number, mirror: boolean) {
  const a = new Int32Array(outSize);
  const b = new Int32Array(outSize);
  const f = new Float32Array(outSize);
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
    a[i] = Math.floor(pos);
    b[i] = Math.min(srcSize - 1, a[i]! + 1);
    f[i] = pos - a[i]!;
  }
  return { a, b, f, inside };
}
