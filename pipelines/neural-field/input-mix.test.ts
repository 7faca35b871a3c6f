import { describe, expect, it } from 'vitest';
import { mixInput } from './input-mix';
import type { InputBlend } from './input-mix';

const px = (r: number, g: number, b: number) => ({ data: new Uint8Array([r, g, b, 255]), width: 1, height: 1 });

describe('mixing the video input into the field', () => {
  // Field (200, 100, 0) meets input (100, 100, 255).
  it.each([
    ['mix', 0, [200, 100, 0]],
    ['mix', 1, [100, 100, 255]],
    ['mix', 0.5, [150, 100, 128]],
    ['add', 1, [255, 200, 255]],
    ['multiply', 1, [78, 39, 0]],
    ['screen', 1, [222, 161, 255]],
    ['screen', 0.5, [211, 130, 128]],
  ] as [InputBlend, number, number[]][])('%s at %f', (blend, amount, expected) => {
    const out = px(200, 100, 0);
    mixInput(out, px(100, 100, 255), amount, blend);
    expect([...out.data]).toEqual([...expected, 255]);
  });
});
