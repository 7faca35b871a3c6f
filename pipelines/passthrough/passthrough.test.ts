import { describe, expect, it } from 'vitest';
import type { Image } from '../../src/engine/frame';
import { passthrough } from './passthrough';
import { scaleCover } from '../../src/media/scale';

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

async function render(width: number, height: number, input?: Image, mirror = false): Promise<Image> {
  return passthrough.create().render({ time: 0, dt: 0, frameIndex: 0, width, height }, { mirror }, input);
}

describe('passthrough', () => {
  it('passes an input of the output size through unchanged', async () => {
    const input = ramp(20, 10);
    const out = await render(20, 10, input);
    expect(Buffer.from(out.data).equals(Buffer.from(input.data))).toBe(true);
    expect(out.data).not.toBe(input.data);
  });

  it('scales up, interpolating between source pixels', async () => {
    const out = await render(40, 20, ramp(20, 10));
    expect([out.width, out.height, out.data.length]).toEqual([40, 20, 40 * 20 * 4]);
    expect(at(out, 0, 0)).toEqual([0, 0, 77, 255]);
    expect(at(out, 39, 19)).toEqual([190, 90, 77, 255]);
    // Output pixel 3 sits at source x 1.25.
    expect(at(out, 3, 0)[0]).toBe(13);
  });

  it('crops the excess of another aspect ratio around the centre', async () => {
    // 20x10 into 10x10: scale 1, the centre columns 5..14 survive.
    const out = await render(10, 10, ramp(20, 10));
    expect(at(out, 0, 0)).toEqual([50, 0, 77, 255]);
    expect(at(out, 9, 9)).toEqual([140, 90, 77, 255]);
  });

  it('mirrors when asked', async () => {
    const out = await render(20, 10, ramp(20, 10), true);
    expect(at(out, 0, 3)).toEqual([190, 30, 77, 255]);
    expect(at(out, 19, 3)).toEqual([0, 30, 77, 255]);
  });

  it('handles one-pixel sources', () => {
    const out = scaleCover(ramp(1, 1), 8, 4);
    for (let i = 0; i < out.data.length; i += 4) expect([...out.data.subarray(i, i + 4)]).toEqual([0, 0, 77, 255]);
  });

  it('shows a dark frame with a marker when there is no input', async () => {
    const out = await render(320, 180);
    expect([out.width, out.height]).toEqual([320, 180]);
    expect(at(out, 0, 0)).toEqual([32, 32, 32, 255]);
    let marked = 0;
    for (let i = 0; i < out.data.length; i += 4) if (out.data[i] !== 32) marked++;
    expect(marked).toBeGreaterThan(50);
  });
});
