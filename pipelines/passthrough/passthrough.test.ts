import { describe, expect, it } from 'vitest';
import type { Image } from '../../src/engine/frame';
import { snapshotOf } from '../../src/engine/snapshot';
import { passthrough } from './passthrough';

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
  const params = snapshotOf(passthrough.params, { width, height }, { mirror });
  return passthrough.create().render({ time: 0, dt: 0, frameIndex: 0, width, height }, params, input);
}

describe('passthrough', () => {
  it('passes an input of the output size through unchanged', async () => {
    const input = ramp(20, 10);
    const out = await render(20, 10, input);
    expect(Buffer.from(out.data).equals(Buffer.from(input.data))).toBe(true);
    expect(out.data).not.toBe(input.data);
  });

  it('mirrors when asked', async () => {
    const out = await render(20, 10, ramp(20, 10), true);
    expect(at(out, 0, 3)).toEqual([190, 30, 77, 255]);
    expect(at(out, 19, 3)).toEqual([0, 30, 77, 255]);
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
