/**
 * Pixel mapping's layout: fixtures as a grid or a list of points on the picture (0..1 across and down), each
 * pixel RGB, RGBW or RGBA, patched from a universe and start address. Pixels are packed one after another; a pixel
 * that would not fit in what is left of a universe starts at channel 1 of the next one (170 RGB or 128 RGBW pixels
 * a universe), as LED controllers expect, so a long strip or a big wall spans universes by itself.
 */
import { z } from 'zod';
import { UNIVERSE_RANGE, dmxChannelSchema } from '../../src/shared/dmx';
import type { DmxProtocol } from '../../src/shared/dmx';

export const pixelModeSchema = z.enum(['rgb', 'rgbw', 'rgba']);
export type PixelMode = z.infer<typeof pixelModeSchema>;
export const MODE_SIZE: Record<PixelMode, number> = { rgb: 3, rgbw: 4, rgba: 4 };

const unit = z.number().min(0).max(1);
const patch = {
  universe: z.number().int().min(0).max(63999),
  address: dmxChannelSchema.default(1),
  mode: pixelModeSchema.default('rgb'),
};

export const fixtureSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('grid'),
    ...patch,
    columns: z.number().int().min(1).max(1024),
    rows: z.number().int().min(1).max(1024),
    /** The part of the picture the grid covers. */
    x: unit.default(0),
    y: unit.default(0),
    width: unit.default(1),
    height: unit.default(1),
    /** `snake`: every other row runs right to left, as LED strips are often laid. */
    order: z.enum(['rows', 'snake']).default('rows'),
  }),
  z.strictObject({
    kind: z.literal('points'),
    ...patch,
    points: z
      .array(z.strictObject({ x: unit, y: unit }))
      .min(1)
      .max(16384),
  }),
]);
export type Fixture = z.infer<typeof fixtureSchema>;

/** One pixel: where on the picture it samples (a box, in 0..1), and where its first channel goes. */
export interface PatchedPixel {
  box: { x0: number; y0: number; x1: number; y1: number };
  universe: number;
  /** 1-512. */
  address: number;
  mode: PixelMode;
}

/** Every pixel of `fixtures`, patched; or a sentence when one runs past the protocol's last universe. */
export function patchPixels(fixtures: Fixture[], protocol: DmxProtocol): PatchedPixel[] | string {
  const out: PatchedPixel[] = [];
  const last = UNIVERSE_RANGE[protocol][1];
  for (const [i, f] of fixtures.entries()) {
    const size = MODE_SIZE[f.mode];
    let universe = f.universe;
    let address = f.address;
    for (const box of boxes(f)) {
      if (address + size - 1 > 512) {
        universe++;
        address = 1;
      }
      if (universe > last) return `fixture ${i + 1} runs past ${protocol} universe ${last}`;
      out.push({ box, universe, address, mode: f.mode });
      address += size;
    }
  }
  return out;
}

function boxes(f: Fixture): PatchedPixel['box'][] {
  if (f.kind === 'points') return f.points.map((p) => ({ x0: p.x, y0: p.y, x1: p.x, y1: p.y }));
  const out: PatchedPixel['box'][] = [];
  const w = f.width / f.columns;
  const h = f.height / f.rows;
  for (let r = 0; r < f.rows; r++) {
    for (let k = 0; k < f.columns; k++) {
      const c = f.order === 'snake' && r % 2 === 1 ? f.columns - 1 - k : k;
      out.push({ x0: f.x + c * w, y0: f.y + r * h, x1: f.x + (c + 1) * w, y1: f.y + (r + 1) * h });
    }
  }
  return out;
}
