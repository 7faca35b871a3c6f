import { describe, expect, it } from 'vitest';
import { fixtureSchema, patchPixels } from './pixel-layout';
import { emitters, sampleBox, samplePixels } from './pixel-sampler';
import type { Image } from '../../src/engine/frame';

/** A 4x2 picture: left half red, right half blue; the bottom row a little darker. */
function picture(): Image {
  const width = 4;
  const height = 2;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      const v = y === 0 ? 200 : 100;
      data.set(x < 2 ? [v, 0, 0, 255] : [0, 0, v, 255], at);
    }
  }
  return { width, height, data };
}

const fixture = (f: unknown) => fixtureSchema.parse(f);

describe('patchPixels', () => {
  it('packs a grid row by row from its start address', () => {
    const pixels = patchPixels([fixture({ kind: 'grid', universe: 1, address: 10, columns: 2, rows: 2 })], 'sacn');
    expect(pixels).toMatchObject([
      { universe: 1, address: 10, box: { x0: 0, y0: 0, x1: 0.5, y1: 0.5 } },
      { universe: 1, address: 13, box: { x0: 0.5, y0: 0 } },
      { universe: 1, address: 16, box: { x0: 0, y0: 0.5 } },
      { universe: 1, address: 19 },
    ]);
  });

  it('snakes every other row', () => {
    const pixels = patchPixels(
      [fixture({ kind: 'grid', universe: 0, columns: 2, rows: 2, order: 'snake' })],
      'artnet',
    ) as { box: { x0: number } }[];
    expect(pixels.map((p) => p.box.x0)).toEqual([0, 0.5, 0.5, 0]);
  });

  it('a strip spanning a universe boundary starts the pixel that does not fit at channel 1 of the next', () => {
    // 200 RGB pixels from address 1: 170 fill universe 5 (510 channels), the 171st goes to universe 6.
    const pixels = patchPixels([fixture({ kind: 'grid', universe: 5, columns: 200, rows: 1 })], 'artnet');
    if (typeof pixels === 'string') throw new Error(pixels);
    expect(pixels[169]).toMatchObject({ universe: 5, address: 508 });
    expect(pixels[170]).toMatchObject({ universe: 6, address: 1 });
    expect(pixels[199]).toMatchObject({ universe: 6, address: 88 });
    // RGBW: 128 a universe, exactly 512 channels.
    const rgbw = patchPixels([fixture({ kind: 'grid', universe: 1, columns: 129, rows: 1, mode: 'rgbw' })], 'sacn');
    expect((rgbw as { universe: number; address: number }[]).slice(127)).toMatchObject([
      { universe: 1, address: 509 },
      { universe: 2, address: 1 },
    ]);
  });

  it('says so when a layout runs past the last universe', () => {
    expect(patchPixels([fixture({ kind: 'grid', universe: 32767, columns: 171, rows: 1 })], 'artnet')).toBe(
      'fixture 1 runs past artnet universe 32767',
    );
  });
});

describe('sampling', () => {
  it('a cell is the mean of its box; a point the pixel it falls on', () => {
    expect(sampleBox(picture(), { x0: 0, y0: 0, x1: 0.5, y1: 1 })).toEqual([150, 0, 0]);
    expect(sampleBox(picture(), { x0: 0, y0: 0, x1: 1, y1: 0.5 })).toEqual([100, 0, 100]);
    expect(sampleBox(picture(), { x0: 0.9, y0: 0.9, x1: 0.9, y1: 0.9 })).toEqual([0, 0, 100]);
    expect(sampleBox(picture(), { x0: 1, y0: 1, x1: 1, y1: 1 })).toEqual([0, 0, 100]);
  });

  it.each([
    ['rgb', [200, 100, 50], [200, 100, 50]],
    ['rgbw: white takes the common part', [200, 100, 50], [150, 50, 0, 50]],
    ['rgba: amber takes red with half as much green', [200, 100, 50], [0, 0, 50, 200]],
    ['rgba: pure red stays red', [255, 0, 0], [255, 0, 0, 0]],
  ] as const)('emitters %s', (mode, rgb, levels) => {
    expect(emitters(mode.split(':')[0] as 'rgb', rgb[0], rgb[1], rgb[2])).toEqual(levels);
  });

  it('writes a 2x1 grid of RGBW pixels into its universe', () => {
    const universes = new Map<number, Uint8Array>();
    const pixels = patchPixels(
      [fixture({ kind: 'grid', universe: 2, address: 3, columns: 2, rows: 1, mode: 'rgbw' })],
      'sacn',
    );
    samplePixels(picture(), pixels as never, universes);
    expect([...universes.keys()]).toEqual([2]);
    expect([...universes.get(2)!.subarray(0, 12)]).toEqual([0, 0, 150, 0, 0, 0, 0, 0, 150, 0, 0, 0]);
  });
});
