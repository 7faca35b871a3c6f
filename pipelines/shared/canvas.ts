import type { Image } from '../../src/engine/frame';

/**
 * A tiny RGBA raster for the pure-JS pipelines. Pixels are written through a Uint32Array view, one store per
 * pixel; colours are packed for little-endian byte order (every platform the server runs on).
 */
export interface Canvas extends Image {
  px: Uint32Array;
}

/** A new canvas filled with `colour`. */
export function createCanvas(width: number, height: number, colour = 0xff000000): Canvas {
  const data = new Uint8Array(width * height * 4);
  const px = new Uint32Array(data.buffer);
  px.fill(colour);
  return { data, px, width, height };
}

/** Packs 8-bit channels into a pixel, alpha opaque. */
export function rgb(r: number, g: number, b: number): number {
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Packs a `#rrggbb` colour; anything else gives black. */
export function hex(colour: string): number {
  const m = /^#?([0-9a-f]{6})$/i.exec(colour);
  if (!m) return rgb(0, 0, 0);
  const v = parseInt(m[1]!, 16);
  return rgb(v >> 16, (v >> 8) & 0xff, v & 0xff);
}

/** Fills a rectangle, clipped to the canvas. */
export function fillRect(c: Canvas, x: number, y: number, w: number, h: number, colour: number): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(c.width, Math.round(x + w));
  const y1 = Math.min(c.height, Math.round(y + h));
  for (let row = y0; row < y1; row++) c.px.fill(colour, row * c.width + x0, row * c.width + x1);
}
