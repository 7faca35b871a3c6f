/** RGBA to the layouts senders want (NDI, Syphon, Spout, WebRTC): one pass each, nothing shared between calls. */
import { BT601, clamp8, matrixFor } from './yuv';

/** RGBA -> BGRA by swapping R and B in 32-bit words (NDI, Syphon and Spout want BGRA). */
export function rgbaToBgra(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height;
  const out = new Uint8Array(n * 4);
  if (rgba.byteOffset % 4 === 0) {
    const src = new Uint32Array(rgba.buffer, rgba.byteOffset, n);
    const dst = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      dst[i] = (v & 0xff00ff00) | ((v & 0xff) << 16) | ((v >>> 16) & 0xff);
    }
    return out;
  }
  for (let i = 0; i < n * 4; i += 4) {
    out[i] = rgba[i + 2]!;
    out[i + 1] = rgba[i + 1]!;
    out[i + 2] = rgba[i]!;
    out[i + 3] = rgba[i + 3]!;
  }
  return out;
}

/** RGBA -> I420 (planar 4:2:0, BT.601 studio range: what WebRTC encoders assume), chroma averaged over 2x2. */
export function rgbaToI420(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const out = new Uint8Array(width * height + 2 * cw * ch);
  const m = BT601;
  for (let i = 0, o = 0; i < width * height; i++, o += 4) {
    out[i] = clamp8(((m.yr * rgba[o]! + m.yg * rgba[o + 1]! + m.yb * rgba[o + 2]! + 128) >> 8) + 16);
  }
  const uBase = width * height;
  const vBase = uBase + cw * ch;
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let k = 0;
      for (let dy = 0; dy < 2; dy++) {
        const y = 2 * cy + dy;
        if (y >= height) continue;
        for (let dx = 0; dx < 2; dx++) {
          const x = 2 * cx + dx;
          if (x >= width) continue;
          const o = (y * width + x) * 4;
          r += rgba[o]!;
          g += rgba[o + 1]!;
          b += rgba[o + 2]!;
          k++;
        }
      }
      r /= k;
      g /= k;
      b /= k;
      out[uBase + cy * cw + cx] = clamp8(((m.ur * r + m.ug * g + m.ub * b + 128) >> 8) + 128);
      out[vBase + cy * cw + cx] = clamp8(((m.vr * r + m.vg * g + m.vb * b + 128) >> 8) + 128);
    }
  }
  return out;
}

/** RGBA -> UYVY (packed 4:2:2, U0 Y0 V0 Y1; BT.601 below 720 lines, BT.709 from there, as NDI documents). */
export function rgbaToUyvy(rgba: Uint8Array, width: number, height: number): Uint8Array {
  if (width % 2 !== 0) throw new Error(`UYVY needs an even width, got ${width}`);
  const out = new Uint8Array(width * height * 2);
  const m = matrixFor(height);
  for (let p = 0, o = 0; p < width * height; p += 2, o += 4) {
    const i = p * 4;
    const r0 = rgba[i]!;
    const g0 = rgba[i + 1]!;
    const b0 = rgba[i + 2]!;
    const r1 = rgba[i + 4]!;
    const g1 = rgba[i + 5]!;
    const b1 = rgba[i + 6]!;
    const r = (r0 + r1) / 2;
    const g = (g0 + g1) / 2;
    const b = (b0 + b1) / 2;
    out[o] = clamp8(((m.ur * r + m.ug * g + m.ub * b + 128) >> 8) + 128);
    out[o + 1] = clamp8(((m.yr * r0 + m.yg * g0 + m.yb * b0 + 128) >> 8) + 16);
    out[o + 2] = clamp8(((m.vr * r + m.vg * g + m.vb * b + 128) >> 8) + 128);
    out[o + 3] = clamp8(((m.yr * r1 + m.yg * g1 + m.yb * b1 + 128) >> 8) + 16);
  }
  return out;
}
