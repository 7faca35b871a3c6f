import { describe, expect, it } from 'vitest';
import type { Image } from '../../src/engine/frame';
import { snapshotOf } from '../../src/engine/snapshot';
import { blockSize, readFrameCode } from './frame-code';
import { testPattern } from './pattern';

type Values = { [K in keyof typeof testPattern.params]?: unknown };
const defaults: Values = {};

async function frame(frameIndex: number, time: number, values: Values = defaults, size = [512, 512]) {
  const pipeline = testPattern.create();
  const [width, height] = size as [number, number];
  const params = snapshotOf(testPattern.params, { width, height }, values);
  return pipeline.render({ time, dt: 1 / 30, frameIndex, width, height }, params) as Image;
}

const row = (img: Image, y: number) => img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4);

describe('test-pattern', () => {
  it.each([0, 1, 2, 255, 1000, 12345, 65535])('encodes frame %i in the top-left blocks', async (n) => {
    expect(readFrameCode(await frame(n, n / 30))).toBe(n);
  });

  it('wraps the frame code at 16 bits and works at small sizes', async () => {
    expect(readFrameCode(await frame(70000, 1))).toBe(70000 % 65536);
    const small = await frame(4242, 1, defaults, [64, 48]);
    expect([small.width, small.height, small.data.length]).toEqual([64, 48, 64 * 48 * 4]);
    expect(readFrameCode(small)).toBe(4242);
    expect(blockSize(64) * 16).toBeLessThanOrEqual(64);
  });

  it('scrolls the bars over time, and not when speed is 0', async () => {
    const y = 200;
    const a = await frame(0, 0);
    const b = await frame(30, 1);
    expect(Buffer.from(row(a, y)).equals(Buffer.from(row(b, y)))).toBe(false);
    const still = { ...defaults, speed: 0 };
    const c = await frame(0, 0, still);
    const d = await frame(30, 1, still);
    expect(Buffer.from(row(c, y)).equals(Buffer.from(row(d, y)))).toBe(true);
  });

  it('draws the counter only when asked, on the chosen background', async () => {
    const on = await frame(123, 4);
    const off = await frame(123, 4, { ...defaults, counter: false, background: '#ff0000' });
    const y = Math.round(512 * 0.75);
    expect(Buffer.from(row(on, y)).equals(Buffer.from(row(off, y)))).toBe(false);
    const centre = (y * 512 + 256) * 4;
    expect([...off.data.subarray(centre, centre + 4)]).toEqual([255, 0, 0, 255]);
  });
});
