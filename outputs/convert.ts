import type { Frame } from '../src/engine/frame';
import type { OutputFrame, PixelFormat } from './output';

/** A conversion from tightly packed RGBA to another layout. */
export type Converter = (rgba: Uint8Array, width: number, height: number) => Uint8Array;

const clamp8 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

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

/** Studio-range (16-235/240) YUV coefficients scaled by 256: BT.601 for SD, BT.709 for HD, as receivers expect. */
const BT601 = { yr: 66, yg: 129, yb: 25, ur: -38, ug: -74, ub: 112, vr: 112, vg: -94, vb: -18 };
const BT709 = { yr: 47, yg: 157, yb: 16, ur: -26, ug: -87, ub: 112, vr: 112, vg: -102, vb: -10 };
const matrixFor = (height: number) => (height >= 720 ? BT709 : BT601);

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

export const defaultConverters: Record<Exclude<PixelFormat, 'rgba'>, Converter> = {
  bgra: rgbaToBgra,
  uyvy: rgbaToUyvy,
  i420: rgbaToI420,
};

/**
 * Conversions of recent frames, keyed by the pixel buffer itself: every output asking for the same format of
 * the same frame gets one shared result, and a repeated frame (same buffer) is not converted again. A WeakMap,
 * so results go when the frame does.
 */
export class ConversionCache {
  private readonly byData = new WeakMap<Uint8Array, Map<PixelFormat, Uint8Array>>();
  /** Conversions done, per format (tests check the sharing). */
  readonly counts: Partial<Record<PixelFormat, number>> = {};

  constructor(private readonly converters: Record<Exclude<PixelFormat, 'rgba'>, Converter> = defaultConverters) {}

  /** The frame wrapped for outputs; nothing is converted until an output asks. */
  wrap(frame: Frame): OutputFrame {
    const pixels = (format: PixelFormat): Uint8Array => {
      if (format === 'rgba') return frame.data;
      // Made by the pipeline already (on the GPU): no conversion here.
      const ready = frame.formats?.[format];
      if (ready) return ready;
      let done = this.byData.get(frame.data);
      if (!done) this.byData.set(frame.data, (done = new Map()));
      let out = done.get(format);
      if (!out) {
        out = this.converters[format](frame.data, frame.width, frame.height);
        done.set(format, out);
        this.counts[format] = (this.counts[format] ?? 0) + 1;
      }
      return out;
    };
    return { ...frame, pixels };
  }
}
