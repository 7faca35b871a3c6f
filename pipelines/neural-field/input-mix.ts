import type { Image } from '../../src/engine/frame';

/** How the video input meets the generated picture. */
export const inputBlends = ['mix', 'add', 'multiply', 'screen'] as const;
export type InputBlend = (typeof inputBlends)[number];

/**
 * Blends `input` into `out` in place (both RGBA, the same size): the blend of the two, faded in by `amount`
 * (0 leaves `out` as it is, 1 is the full blend; for `mix` that is the input alone). Alpha stays opaque.
 */
export function mixInput(out: Image, input: Image, amount: number, blend: InputBlend): void {
  const a = Math.round(Math.max(0, Math.min(1, amount)) * 256);
  if (a === 0) return;
  const o = out.data;
  const i = input.data;
  const n = Math.min(o.length, i.length);
  for (let p = 0; p < n; p += 4) {
    for (let c = p; c < p + 3; c++) {
      const g = o[c]!;
      const v = i[c]!;
      const b =
        blend === 'mix'
          ? v
          : blend === 'add'
            ? Math.min(255, g + v)
            : blend === 'multiply'
              ? (g * v) / 255
              : 255 - ((255 - g) * (255 - v)) / 255;
      o[c] = (g * (256 - a) + b * a + 128) >> 8;
    }
    o[p + 3] = 255;
  }
}
