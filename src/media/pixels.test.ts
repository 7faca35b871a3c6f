import { describe, expect, it } from 'vitest';
import { rgbaToBgra, rgbaToI420, rgbaToUyvy } from './from-rgba';
import { bgraToRgba, i420ToRgba, rgbaRows, uyvyToRgba } from './to-rgba';

/** Colour bars plus a grey ramp: saturated primaries are where YUV round trips go wrong first. */
function picture(width: number, height: number): Uint8Array {
  const bars = [
    [255, 255, 255],
    [255, 255, 0],
    [0, 255, 255],
    [0, 255, 0],
    [255, 0, 255],
    [255, 0, 0],
    [0, 0, 255],
    [0, 0, 0],
  ];
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const rgb = y < height / 2 ? bars[Math.floor((x * bars.length) / width)]! : [x % 256, x % 256, x % 256];
      data.set([...rgb, 255], (y * width + x) * 4);
    }
  }
  return data;
}

const maxDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** Pads each row of a packed buffer to `stride` bytes with junk, as NDI may hand them over. */
function padRows(packed: Uint8Array, rowBytes: number, rows: number, stride: number): Uint8Array {
  const out = new Uint8Array(stride * rows).fill(0xee);
  for (let y = 0; y < rows; y++) out.set(packed.subarray(y * rowBytes, (y + 1) * rowBytes), y * stride);
  return out;
}

describe('pixel layouts back to RGBA', () => {
  // Widths: even, odd (I420's half-size chroma rounds up), and HD (BT.709 for UYVY from 720 lines).
  it.each([
    ['BGRA', 64, 16, 0],
    ['BGRA', 33, 7, 0],
    ['UYVY', 64, 16, 6],
    ['UYVY', 64, 720, 6],
    ['I420', 64, 16, 6],
    ['I420', 33, 7, 6],
  ] as const)('%s %ix%i round-trips within %i levels', (format, w, h, tolerance) => {
    const rgba = picture(w, h);
    const back =
      format === 'BGRA'
        ? bgraToRgba(rgbaToBgra(rgba, w, h), w, h)
        : format === 'UYVY'
          ? uyvyToRgba(rgbaToUyvy(rgba, w, h), w, h)
          : i420ToRgba(rgbaToI420(rgba, w, h), w, h);
    // 4:2:x chroma is shared by neighbours: compare on flat areas (the bars' inner pixels and the grey ramp).
    if (format === 'BGRA') expect(maxDiff(back, rgba)).toBe(0);
    else {
      const flat = (x: number, y: number) => {
        const o = (y * w + x) * 4;
        return [...back.subarray(o, o + 3)].map((v, c) => Math.abs(v - rgba[o + c]!));
      };
      const bar = Math.floor(w / 8);
      for (let i = 0; i < 8; i++)
        for (const d of flat(i * bar + Math.floor(bar / 2), 2)) expect(d).toBeLessThanOrEqual(tolerance + 2);
      for (const d of flat(w - 2, h - 1)) expect(d).toBeLessThanOrEqual(tolerance);
    }
    for (let i = 3; i < back.length; i += 4) expect(back[i]).toBe(255);
  });

  it('BGRX with an undefined fourth byte comes out opaque', () => {
    const bgrx = new Uint8Array([10, 20, 30, 0, 40, 50, 60, 7]);
    expect([...bgraToRgba(bgrx, 2, 1)]).toEqual([30, 20, 10, 255, 60, 50, 40, 255]);
  });

  it('reads rows through a stride wider than the picture (BGRA and UYVY), aligned or not', () => {
    const w = 6;
    const h = 3;
    const rgba = picture(w, h);
    const bgra = padRows(rgbaToBgra(rgba, w, h), w * 4, h, w * 4 + 8);
    expect(maxDiff(bgraToRgba(bgra, w, h, w * 4 + 8), rgba)).toBe(0);
    const odd = padRows(rgbaToBgra(rgba, w, h), w * 4, h, w * 4 + 3);
    expect(maxDiff(bgraToRgba(odd, w, h, w * 4 + 3), rgba)).toBe(0);
    const uyvy = rgbaToUyvy(rgba, w, h);
    const padded = padRows(uyvy, w * 2, h, w * 2 + 16);
    expect(maxDiff(uyvyToRgba(padded, w, h, w * 2 + 16), uyvyToRgba(uyvy, w, h))).toBe(0);
  });

  it('flips bottom-up rows (OpenGL readbacks) and drops the stride', () => {
    const rows = new Uint8Array([1, 1, 1, 0, 9, 9, 2, 2, 2, 0, 9, 9]);
    expect([...rgbaRows(rows, 1, 2, 6, true)]).toEqual([2, 2, 2, 255, 1, 1, 1, 255]);
  });

  it('refuses an I420 buffer too small for its size instead of reading past it', () => {
    expect(() => i420ToRgba(new Uint8Array(10), 4, 4)).toThrow(/needs 24 bytes/);
  });
});
