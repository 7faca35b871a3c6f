/**
 * Samples a frame onto patched pixels: each pixel is the mean of its box (a point is the nearest pixel), read on
 * a grid of at most 8x8 samples so a big cell costs no more than a small one, then split into RGBW or RGBA.
 */
import { MODE_SIZE } from './pixel-layout';
import type { PatchedPixel, PixelMode } from './pixel-layout';
import type { Image } from '../../src/engine/frame';

const MAX_SAMPLES = 8;

/** RGB to the fixture's emitters. White takes what all three share; amber what red and green share. */
export function emitters(mode: PixelMode, r: number, g: number, b: number): number[] {
  if (mode === 'rgbw') {
    const w = Math.min(r, g, b);
    return [r - w, g - w, b - w, w];
  }
  if (mode === 'rgba') {
    // Amber is about red with half as much green: it takes the share red and twice the green have in common.
    const a = Math.min(r, 2 * g);
    return [r - a, Math.max(0, g - Math.round(a / 2)), b, a];
  }
  return [r, g, b];
}

/** The mean RGB of a box (0..1 coordinates) of a tightly packed RGBA image. */
export function sampleBox(image: Image, box: PatchedPixel['box']): [number, number, number] {
  const { width: W, height: H, data } = image;
  const px = (v: number, size: number) => Math.min(size - 1, Math.max(0, Math.floor(v * size)));
  const x0 = px(box.x0, W);
  const y0 = px(box.y0, H);
  // A box's far edge is exclusive; a point's box has none, so it reads the one pixel it falls in.
  const x1 = Math.max(x0, box.x1 > box.x0 ? Math.ceil(box.x1 * W) - 1 : x0);
  const y1 = Math.max(y0, box.y1 > box.y0 ? Math.ceil(box.y1 * H) - 1 : y0);
  const nx = Math.min(MAX_SAMPLES, x1 - x0 + 1);
  const ny = Math.min(MAX_SAMPLES, y1 - y0 + 1);
  let r = 0;
  let g = 0;
  let b = 0;
  for (let j = 0; j < ny; j++) {
    const y = Math.min(H - 1, y0 + Math.floor(((j + 0.5) * (y1 - y0 + 1)) / ny));
    for (let i = 0; i < nx; i++) {
      const x = Math.min(W - 1, x0 + Math.floor(((i + 0.5) * (x1 - x0 + 1)) / nx));
      const at = (y * W + x) * 4;
      r += data[at]!;
      g += data[at + 1]!;
      b += data[at + 2]!;
    }
  }
  const n = nx * ny;
  return [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
}

/** Writes every pixel's levels into `universes` (512 levels each, made as needed). */
export function samplePixels(image: Image, pixels: readonly PatchedPixel[], universes: Map<number, Uint8Array>): void {
  for (const p of pixels) {
    let u = universes.get(p.universe);
    if (!u) universes.set(p.universe, (u = new Uint8Array(512)));
    const [r, g, b] = sampleBox(image, p.box);
    const levels = emitters(p.mode, r, g, b);
    u.set(levels.slice(0, MODE_SIZE[p.mode]), p.address - 1);
  }
}
