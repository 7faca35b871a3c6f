import type { Image } from '../../src/engine/frame';

/** The classic video-feedback step: each pass zooms, turns and shifts the picture about its centre and fades it. */
export interface FeedbackTransform {
  /** Scale per pass: above 1 the picture grows outward (a tunnel), below 1 it shrinks inward. */
  zoom: number;
  /** Degrees per pass, counter-clockwise. */
  rotate: number;
  /** Brightness kept per pass: 1 keeps everything, 0.9 fades a tenth each frame. */
  decay: number;
  /** Shift per pass as a fraction of the width and height (positive: right and down). */
  shiftX: number;
  shiftY: number;
}

/**
 * One pass of `t` over `src` (RGBA): every output pixel samples the source where the inverse transform puts it,
 * bilinear, black outside; the colour is multiplied by `decay`. A few milliseconds at 512x512.
 */
export function applyFeedback(src: Image, t: FeedbackTransform): Uint8Array {
  const { width: w, height: h, data: s } = src;
  const out = new Uint8Array(w * h * 4);
  const th = (t.rotate * Math.PI) / 180;
  // Inverse map: un-shift, un-rotate, un-zoom about the centre.
  const cos = Math.cos(-th) / t.zoom;
  const sin = Math.sin(-th) / t.zoom;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const dx = t.shiftX * w;
  const dy = t.shiftY * h;
  const k = t.decay;
  for (let y = 0; y < h; y++) {
    const py = y - cy - dy;
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      out[o + 3] = 255;
      const px = x - cx - dx;
      const sx = cos * px - sin * py + cx;
      const sy = sin * px + cos * py + cy;
      if (sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5) continue;
      const x0 = Math.max(0, Math.min(w - 1, Math.floor(sx)));
      const y0 = Math.max(0, Math.min(h - 1, Math.floor(sy)));
      const x1 = Math.min(w - 1, x0 + 1);
      const y1 = Math.min(h - 1, y0 + 1);
      const fx = Math.max(0, Math.min(1, sx - x0));
      const fy = Math.max(0, Math.min(1, sy - y0));
      const a = (y0 * w + x0) * 4;
      const b = (y0 * w + x1) * 4;
      const c = (y1 * w + x0) * 4;
      const d = (y1 * w + x1) * 4;
      for (let ch = 0; ch < 3; ch++) {
        const top = s[a + ch]! + (s[b + ch]! - s[a + ch]!) * fx;
        const bottom = s[c + ch]! + (s[d + ch]! - s[c + ch]!) * fx;
        out[o + ch] = (top + (bottom - top) * fy) * k + 0.5;
      }
    }
  }
  return out;
}
