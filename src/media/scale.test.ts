import { describe, expect, it } from 'vitest';
import { scaleImage } from './scale';
import type { Image } from '../engine/frame';

/** An image whose pixel (x, y) is (x * 10, y * 10, 77). */
function ramp(width: number, height: number): Image {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x * 10, y * 10, 77, 255], (y * width + x) * 4);
  }
  return { data, width, height };
}

const at = (img: Image, x: number, y: number) => [
  ...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4),
];

describe('scaleImage', () => {
  it('cover: 20x10 into 10x10 keeps the centre columns', () => {
    const out = scaleImage(ramp(20, 10), 10, 10, 'cover');
    expect(at(out, 0, 0)).toEqual([50, 0, 77, 255]);
    expect(at(out, 9, 9)).toEqual([140, 90, 77, 255]);
  });

  it('scaling up interpolates between source pixels', () => {
    const out = scaleImage(ramp(20, 10), 40, 20, 'cover');
    expect(at(out, 0, 0)).toEqual([0, 0, 77, 255]);
    expect(at(out, 39, 19)).toEqual([190, 90, 77, 255]);
    // Output pixel 3 sits at source x 1.25.
    expect(at(out, 3, 0)[0]).toBe(13);
  });

  it('contain: 20x10 into 10x10 fits it whole between black bars', () => {
    const out = scaleImage(ramp(20, 10), 10, 10, 'contain');
    // Scale 0.5: the picture is 10x5, rows 2.5..7.5; rows 0-1 and 8-9 are bars.
    expect(at(out, 5, 0)).toEqual([0, 0, 0, 255]);
    expect(at(out, 5, 9)).toEqual([0, 0, 0, 255]);
    expect(at(out, 0, 5)[2]).toBe(77);
    expect(at(out, 9, 5)[0]).toBeGreaterThan(170);
  });

  it('stretch: every source column and row reaches the edges', () => {
    const out = scaleImage(ramp(20, 10), 10, 20, 'stretch');
    expect([out.width, out.height]).toEqual([10, 20]);
    expect(at(out, 0, 0)).toEqual([5, 0, 77, 255]);
    expect(at(out, 9, 19)).toEqual([185, 90, 77, 255]);
  });

  it('mirrors left and right', () => {
    const out = scaleImage(ramp(20, 10), 20, 10, 'cover', true);
    expect(at(out, 0, 3)).toEqual([190, 30, 77, 255]);
  });

  it.each([
    [1, 1],
    [1, 1080],
    [1921, 3],
    [3, 7],
  ])('odd sizes (%ix%i) scale to 64x48 in every fit, never reading outside the source', (w, h) => {
    // A flat colour stays exactly that colour under bilinear filtering unless a tap falls off the picture.
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < data.length; i += 4) data.set([200, 100, 50, 255], i);
    for (const fit of ['cover', 'contain', 'stretch'] as const) {
      const out = scaleImage({ data, width: w, height: h }, 64, 48, fit);
      expect(out.data.length).toBe(64 * 48 * 4);
      const colours = new Set<string>();
      for (let i = 0; i < out.data.length; i += 4) colours.add(String([...out.data.subarray(i, i + 4)]));
      const expected = fit === 'contain' && w / h !== 64 / 48 ? ['200,100,50,255', '0,0,0,255'] : ['200,100,50,255'];
      expect([...colours].sort()).toEqual(expected.sort());
      expect(at(out, 32, 24)).toEqual([200, 100, 50, 255]);
    }
  });
});
