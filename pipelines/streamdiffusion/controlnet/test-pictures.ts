import type { Image } from '../../../src/engine/frame';

/** A square control picture of `size` pixels: a left-to-right ramp, or a checkerboard of 8-pixel squares. */
export function picture(kind: 'ramp' | 'checker', size = 64): Image {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = kind === 'ramp' ? Math.round((x / (size - 1)) * 255) : ((x >> 3) + (y >> 3)) % 2 ? 255 : 0;
      data.set([v, v, v, 255], (y * size + x) * 4);
    }
  }
  return { data, width: size, height: size };
}
