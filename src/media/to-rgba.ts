/**
 * What receivers hand over (NDI's BGRA/BGRX and UYVY, WebRTC's I420, Syphon's bottom-up RGBA) to tightly packed,
 * opaque RGBA, the engine's one layout. Strides are in bytes; alpha is always 255 (an input is a picture, and
 * BGRX leaves the fourth byte undefined).
 */
import { BT601, matrixFor } from './yuv';
import type { YuvMatrix } from './yuv';

/** BGRA or BGRX rows `stride` bytes apart -> RGBA. */
export function bgraToRgba(bgra: Uint8Array, width: number, height: number, stride = width * 4): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  const aligned = bgra.byteOffset % 4 === 0 && stride % 4 === 0;
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const o = y * width;
    if (aligned) {
      // Little-endian words: 0xAARRGGBB in, 0xFFBBGGRR out.
      const src = new Uint32Array(bgra.buffer, bgra.byteOffset + row, width);
      for (let x = 0; x < width; x++) {
        const v = src[x]!;
        dst[o + x] = 0xff000000 | ((v & 0xff) << 16) | (v & 0xff00) | ((v >>> 16) & 0xff);
      }
      continue;
    }
    for (let x = 0; x < width; x++) {
      const i = row + x * 4;
      const j = (o + x) * 4;
      out[j] = bgra[i + 2]!;
      out[j + 1] = bgra[i + 1]!;
      out[j + 2] = bgra[i]!;
      out[j + 3] = 255;
    }
  }
  return out;
}

/** RGBA rows `stride` bytes apart (optionally bottom row first, as OpenGL reads them) -> packed opaque RGBA. */
export function rgbaRows(
  rgba: Uint8Array,
  width: number,
  height: number,
  stride = width * 4,
  flip = false,
): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = (flip ? height - 1 - y : y) * stride;
    out.set(rgba.subarray(from, from + width * 4), y * width * 4);
  }
  for (let i = 3; i < out.length; i += 4) out[i] = 255;
  return out;
}

/** One pixel of studio-range YUV (whole levels) into out[o..o+3]. */
export function yuvToRgb(out: Uint8Array, o: number, y: number, u: number, v: number, m: YuvMatrix): void {
  // Integer arithmetic and clamps written out: this runs once per pixel, a helper call each costs several times more.
  const c = m.y * (y - 16);
  const d = u - 128;
  const e = v - 128;
  const r = (c + m.rv * e + 128) >> 8;
  const g = (c + m.gu * d + m.gv * e + 128) >> 8;
  const b = (c + m.bu * d + 128) >> 8;
  out[o] = r < 0 ? 0 : r > 255 ? 255 : r;
  out[o + 1] = g < 0 ? 0 : g > 255 ? 255 : g;
  out[o + 2] = b < 0 ? 0 : b > 255 ? 255 : b;
  out[o + 3] = 255;
}

/** UYVY (packed 4:2:2: U0 Y0 V0 Y1) rows `stride` bytes apart -> RGBA; BT.601 below 720 lines, BT.709 from there. */
export function uyvyToRgba(uyvy: Uint8Array, width: number, height: number, stride = width * 2): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  const m = matrixFor(height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    for (let x = 0; x < width; x += 2) {
      const i = row + x * 2;
      const u = uyvy[i]!;
      const v = uyvy[i + 2]!;
      const o = (y * width + x) * 4;
      yuvToRgb(out, o, uyvy[i + 1]!, u, v, m);
      if (x + 1 < width) yuvToRgb(out, o + 4, uyvy[i + 3]!, u, v, m);
    }
  }
  return out;
}

/** I420 (planar 4:2:0, Y then U then V, chroma planes of ceil(w/2) x ceil(h/2)) -> RGBA, BT.601 as WebRTC sends. */
export function i420ToRgba(i420: Uint8Array, width: number, height: number): Uint8Array {
  const expected = width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
  if (i420.length < expected) throw new Error(`I420 ${width}x${height} needs ${expected} bytes, got ${i420.length}`);
  const out = new Uint8Array(width * height * 4);
  const cw = (width + 1) >> 1;
  const uBase = width * height;
  const vBase = uBase + cw * ((height + 1) >> 1);
  for (let y = 0; y < height; y++) {
    const crow = (y >> 1) * cw;
    for (let x = 0; x < width; x++) {
      const c = crow + (x >> 1);
      yuvToRgb(out, (y * width + x) * 4, i420[y * width + x]!, i420[uBase + c]!, i420[vBase + c]!, BT601);
    }
  }
  return out;
}
