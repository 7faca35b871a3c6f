import { describe, expect, it } from 'vitest';
import { rgbaToBgra, rgbaToI420, rgbaToUyvy } from './from-rgba';
import { sampleImage } from './sample';
import { scaleImage } from './scale';
import { bgraToRgba, i420ToRgba, uyvyToRgba } from './to-rgba';
import type { Layout } from './sample';

/** Soft gradients with a flat block: what a camera sends, rather than single-pixel detail. */
function picture(w: number, h: number): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const block = x > w / 4 && x < w / 2 && y > h / 4 && y < h / 2;
      const rgb = block ? [30, 200, 60] : [(x * 255) / w, (y * 255) / h, 128];
      data.set([...rgb.map(Math.round), 255], (y * w + x) * 4);
    }
  }
  return data;
}

const encode: Record<Layout, (rgba: Uint8Array, w: number, h: number) => Uint8Array> = {
  rgba: (d) => d,
  bgra: rgbaToBgra,
  uyvy: rgbaToUyvy,
  i420: rgbaToI420,
};
const decode: Record<Layout, (d: Uint8Array, w: number, h: number) => Uint8Array> = {
  rgba: (d) => d,
  bgra: bgraToRgba,
  uyvy: uyvyToRgba,
  i420: i420ToRgba,
};

describe('sampling a received layout straight to the output size', () => {
  // Each layout at a size it is sent in, into a 512x512 output by every fit: the same picture as converting the
  // whole frame first and then scaling it, within a couple of levels of rounding.
  it.each([
    ['rgba', 640, 360],
    ['bgra', 1280, 720],
    ['uyvy', 1280, 720],
    ['uyvy', 720, 576],
    ['i420', 640, 480],
    ['i420', 321, 241],
  ] as [Layout, number, number][])('%s %ix%i matches convert-then-scale', (layout, w, h) => {
    const data = encode[layout](picture(w, h), w, h);
    for (const fit of ['cover', 'contain', 'stretch'] as const) {
      const fused = sampleImage({ layout, width: w, height: h, data }, 96, 96, fit);
      const reference = scaleImage({ data: decode[layout](data, w, h), width: w, height: h }, 96, 96, fit);
      let worst = 0;
      for (let i = 0; i < fused.data.length; i++)
        worst = Math.max(worst, Math.abs(fused.data[i]! - reference.data[i]!));
      expect(worst, `${layout} ${fit}`).toBeLessThanOrEqual(layout === 'rgba' || layout === 'bgra' ? 0 : 4);
    }
  });

  it('reads packed rows through a stride', () => {
    const w = 4;
    const h = 2;
    const bgra = rgbaToBgra(picture(w, h), w, h);
    const padded = new Uint8Array(h * (w * 4 + 8)).fill(7);
    for (let y = 0; y < h; y++) padded.set(bgra.subarray(y * w * 4, (y + 1) * w * 4), y * (w * 4 + 8));
    const a = sampleImage({ layout: 'bgra', width: w, height: h, data: padded, stride: w * 4 + 8 }, 8, 4, 'stretch');
    const b = sampleImage({ layout: 'bgra', width: w, height: h, data: bgra }, 8, 4, 'stretch');
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
  });
});
