/**
 * Straight from a received layout to the pipeline's RGBA at its size, in one pass: only the source samples the
 * output needs are read, so a 1080p frame costs what a 512x512 output costs, not a full-size conversion first.
 * YUV is interpolated before it is turned into RGB (the conversion is affine, so the order only moves rounding).
 */
import { BGR, RGB, plan, scalePacked } from './scale';
import { yuvToRgb } from './to-rgba';
import { BT601, matrixFor } from './yuv';
import type { Image } from '../engine/frame';
import type { Fit } from './scale';

export type Layout = 'rgba' | 'bgra' | 'uyvy' | 'i420';

/** A picture as a receiver hands it over; `stride` is in bytes (packed layouts; I420 planes are tight). */
export interface RawPicture {
  layout: Layout;
  width: number;
  height: number;
  data: Uint8Array;
  stride?: number;
}

/** `p` scaled to width x height with `fit`, as opaque RGBA. */
export function sampleImage(p: RawPicture, width: number, height: number, fit: Fit, mirror = false): Image {
  switch (p.layout) {
    case 'rgba':
    case 'bgra': {
      const order = p.layout === 'rgba' ? RGB : BGR;
      return scalePacked(p.data, p.width, p.height, p.stride ?? p.width * 4, order, width, height, fit, mirror);
    }
    case 'uyvy':
    case 'i420':
      return sampleYuv(p, width, height, fit, mirror);
  }
}

function sampleYuv(p: RawPicture, width: number, height: number, fit: Fit, mirror: boolean): Image {
  const { cols, rows } = plan(p.width, p.height, width, height, fit, mirror);
  const d = p.data;
  const uyvy = p.layout === 'uyvy';
  const m = uyvy ? matrixFor(p.height) : BT601;
  // Both layouts reduce to: Y at yRow[y] + yCol[x], U at uRow[y] + uCol[x], V at U + vOff.
  const stride = p.stride ?? p.width * 2;
  const cw = (p.width + 1) >> 1;
  const uBase = p.width * p.height;
  const vOff = uyvy ? 2 : cw * ((p.height + 1) >> 1);
  const col = (x: Int32Array, f: (v: number) => number) => Int32Array.from(x, f);
  const yCol0 = col(cols.a, (x) => (uyvy ? x * 2 + 1 : x));
  const yCol1 = col(cols.b, (x) => (uyvy ? x * 2 + 1 : x));
  const uCol0 = col(cols.a, (x) => (uyvy ? (x & ~1) * 2 : x >> 1));
  const uCol1 = col(cols.b, (x) => (uyvy ? (x & ~1) * 2 : x >> 1));
  const yRow = (y: number) => (uyvy ? y * stride : y * p.width);
  const uRow = (y: number) => (uyvy ? y * stride : uBase + (y >> 1) * cw);
  const out = new Uint8Array(width * height * 4);
  for (let j = 0, o = 0; j < height; j++) {
    const [y0, y1] = [yRow(rows.a[j]!), yRow(rows.b[j]!)];
    const [c0, c1] = [uRow(rows.a[j]!), uRow(rows.b[j]!)];
    const fy = rows.f[j]!;
    const gy = 256 - fy;
    const rowInside = rows.inside[j] === 1;
    for (let i = 0; i < width; i++, o += 4) {
      out[o + 3] = 255;
      if (!rowInside || cols.inside[i] !== 1) continue;
      const fx = cols.f[i]!;
      const gx = 256 - fx;
      const ya = yCol0[i]!;
      const yb = yCol1[i]!;
      const ua = uCol0[i]!;
      const ub = uCol1[i]!;
      const lum = (d[y0 + ya]! * gx + d[y0 + yb]! * fx) * gy + (d[y1 + ya]! * gx + d[y1 + yb]! * fx) * fy;
      const u = (d[c0 + ua]! * gx + d[c0 + ub]! * fx) * gy + (d[c1 + ua]! * gx + d[c1 + ub]! * fx) * fy;
      const v =
        (d[c0 + ua + vOff]! * gx + d[c0 + ub + vOff]! * fx) * gy +
        (d[c1 + ua + vOff]! * gx + d[c1 + ub + vOff]! * fx) * fy;
      // Rounded to whole levels before the conversion, as a received sample would be.
      yuvToRgb(out, o, (lum + 32768) >> 16, (u + 32768) >> 16, (v + 32768) >> 16, m);
    }
  }
  return { data: out, width, height };
}
