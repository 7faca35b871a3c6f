import { afterAll, describe, expect, it } from 'vitest';
import type { Image } from '../engine/frame';
import type { ParamSpecs, ParamValues } from '../params/spec';
import { OrtRuntime } from '../runtime/ort';
import { PreprocessChain } from './chain';
import { LUMA } from './stage-graphs';

const runtime = new OrtRuntime({ intraOpThreads: 1 });
const chain = new PreprocessChain({ runtime });
afterAll(async () => {
  await chain.release();
  await runtime.close();
});

const W = 8;
const H = 6;

/** A picture of `W`×`H` whose pixel (x, y) is `at(x, y)` = [r, g, b] bytes. */
function picture(at: (x: number, y: number) => [number, number, number]): Image {
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) data.set([...at(x, y), 255], (y * W + x) * 4);
  }
  return { data, width: W, height: H };
}

const run = (image: Image, preprocess: string, extra: Record<string, number> = {}) =>
  chain.apply(image, { preprocess, ...extra } as ParamValues<ParamSpecs>);

/** The red byte of every pixel, row by row. */
const reds = (image: Image) =>
  Array.from({ length: H }, (_, y) => Array.from({ length: W }, (_, x) => image.data[(y * W + x) * 4]!));

/** A vertical step: black left of column `c`, white from it on. */
const step = (c: number) => picture((x) => (x < c ? [0, 0, 0] : [255, 255, 255]));

describe('pre-processor stages (closed form)', () => {
  it('an empty chain hands the input on untouched', async () => {
    const input = step(4);
    expect(await run(input, '')).toBe(input);
  });

  it('grayscale is the Rec. 601 luma of the colour in all three channels, alpha opaque', async () => {
    const [r, g, b] = [200, 100, 40];
    const out = await run(
      picture(() => [r, g, b]),
      'grayscale',
    );
    const y = Math.round(LUMA[0] * r + LUMA[1] * g + LUMA[2] * b);
    for (let i = 0; i < W * H; i++) expect([...out.data.subarray(i * 4, i * 4 + 4)]).toEqual([y, y, y, 255]);
  });

  it('posterize rounds each channel to evenly spaced levels', async () => {
    const out = await run(
      picture((x) => [x * 32, 255 - x * 32, 128]),
      'posterize',
      { posterizeLevels: 3 },
    );
    for (let x = 0; x < W; x++) {
      const level = (v: number) => Math.round(Math.round((v / 255) * 2) * 127.5);
      expect([...out.data.subarray(x * 4, x * 4 + 3)]).toEqual([level(x * 32), level(255 - x * 32), level(128)]);
    }
  });

  it('threshold makes luma at or above the level white and below it black', async () => {
    const out = await run(
      picture((x) => [x * 36, x * 36, x * 36]),
      'threshold',
      { thresholdLevel: 0.5 },
    );
    expect(reds(out)[0]).toEqual([0, 0, 0, 0, 255, 255, 255, 255]);
  });

  it('edges draw one line on the last dark column of a step, nothing elsewhere', async () => {
    const out = await run(step(4), 'edges', { edgeThreshold: 0.5 });
    for (const row of reds(out)) expect(row).toEqual([0, 0, 0, 255, 0, 0, 0, 0]);
  });

  it('edges weaker than the threshold are dropped', async () => {
    const faint = picture((x) => (x < 4 ? [0, 0, 0] : [60, 60, 60]));
    expect(
      reds(await run(faint, 'edges', { edgeThreshold: 0.5 }))
        .flat()
        .every((v) => v === 0),
    ).toBe(true);
    expect(reds(await run(faint, 'edges', { edgeThreshold: 0.1 }))[2]).toEqual([0, 0, 0, 255, 0, 0, 0, 0]);
  });

  it('soft edges are the gradient magnitude blurred: brightest on the step, falling off, zero far away', async () => {
    const row = reds(await run(step(4), 'softedges'))[2]!;
    // Magnitude 1 on columns 3 and 4, blurred across by [1, 2, 1] / 4.
    expect(row).toEqual([0, 0, 64, 191, 191, 64, 0, 0]);
  });

  it('blur spreads a step symmetrically and keeps a flat picture flat; radius 0 is the identity', async () => {
    const flat = await run(
      picture(() => [90, 90, 90]),
      'blur',
      { blurRadius: 4 },
    );
    expect(
      reds(flat)
        .flat()
        .every((v) => v === 90),
    ).toBe(true);
    const row = reds(await run(step(4), 'blur', { blurRadius: 2 }))[0]!;
    for (let x = 0; x < 4; x++) expect(row[x]! + row[7 - x]!).toBe(255);
    expect(row[3]).toBeGreaterThan(0);
    expect(row[4]).toBeLessThan(255);
    expect(reds(await run(step(4), 'blur', { blurRadius: 0 }))[0]).toEqual([0, 0, 0, 0, 255, 255, 255, 255]);
  });

  it('the order of the chain matters: threshold then blur is not blur then threshold', async () => {
    const ramp = picture((x) => [x * 36, x * 36, x * 36]);
    const knobs = { thresholdLevel: 0.5, blurRadius: 2 };
    const thresholdFirst = reds(await run(ramp, 'threshold,blur', knobs))[0]!;
    const blurFirst = reds(await run(ramp, 'blur,threshold', knobs))[0]!;
    expect(blurFirst.every((v) => v === 0 || v === 255)).toBe(true);
    expect(thresholdFirst.some((v) => v !== 0 && v !== 255)).toBe(true);
  });
});
