import { afterAll, describe, expect, it } from 'vitest';
import type { Image } from '../../src/engine/frame';
import { takesInput } from '../../src/engine/pipeline';
import type { OutputSize, ParamSnapshot, Pipeline } from '../../src/engine/pipeline';
import { snapshotOf } from '../../src/engine/snapshot';
import { OrtRuntime } from '../../src/runtime/ort';
import { loadForTest } from '../shared/test-load';
import { neuralField } from './neural-field';

type FieldSnapshot = ParamSnapshot<typeof neuralField.params>;
type Overrides = Partial<OutputSize> & { [K in keyof typeof neuralField.params]?: unknown };

const runtime = new OrtRuntime({ intraOpThreads: 1 });
const loaded: Pipeline<typeof neuralField.params>[] = [];

function paramsOf(overrides: Overrides = {}, size = 64): FieldSnapshot {
  const { width = size, height = size, ...values } = overrides;
  return snapshotOf(neuralField.params, { width, height }, values);
}

async function load(params: FieldSnapshot): Promise<Pipeline<typeof neuralField.params>> {
  const pipeline = neuralField.create();
  await loadForTest(pipeline, params, runtime);
  loaded.push(pipeline);
  return pipeline;
}

async function render(pipeline: Pipeline<typeof neuralField.params>, params: FieldSnapshot, time = 2): Promise<Image> {
  const { width, height } = params;
  return pipeline.render({ time, dt: 1 / 30, frameIndex: Math.round(time * 30), width, height }, params);
}

/** One frame from a fresh instance: what a client sees after (re)loading with `overrides`. */
async function still(overrides: Overrides = {}, time = 2, size = 64): Promise<Image> {
  const params = paramsOf(overrides, size);
  return render(await load(params), params, time);
}

function meanAbsDiff(a: Image, b: Image): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

const px = (img: Image, x: number, y: number, ch: number) => img.data[(y * img.width + x) * 4 + ch]!;

/** Largest channel difference between each pixel and its image under `map`. */
function maxDiffUnder(img: Image, map: (x: number, y: number) => [number, number]): number {
  let max = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const [mx, my] = map(x, y);
      for (let ch = 0; ch < 3; ch++) max = Math.max(max, Math.abs(px(img, x, y, ch) - px(img, mx, my, ch)));
    }
  }
  return max;
}

afterAll(async () => {
  for (const p of loaded) await p.unload();
});

describe('neural-field', () => {
  it('renders an opaque RGBA image of the requested size with real variety', async () => {
    const img = await still({}, 2, 64);
    expect(img.width).toBe(64);
    expect(img.height).toBe(64);
    expect(img.data).toBeInstanceOf(Uint8Array);
    expect(img.data.length).toBe(64 * 64 * 4);
    const colours = new Set<number>();
    for (let i = 0; i < img.data.length; i += 4) {
      expect(img.data[i + 3]).toBe(255);
      colours.add((img.data[i]! << 16) | (img.data[i + 1]! << 8) | img.data[i + 2]!);
    }
    expect(colours.size).toBeGreaterThan(500);
  });

  it('renders non-square sizes and internal scales', async () => {
    const img = await still({ renderScale: 0.25, width: 96, height: 48 }, 1, 96);
    expect([img.width, img.height, img.data.length]).toEqual([96, 48, 96 * 48 * 4]);
    const full = await still({ renderScale: 1, width: 40, height: 72 }, 1);
    expect([full.width, full.height, full.data.length]).toEqual([40, 72, 40 * 72 * 4]);
  });

  it('is deterministic: the same inputs give the same bytes', async () => {
    const a = await still({ seed: 11 }, 3);
    const b = await still({ seed: 11 }, 3);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    const params = paramsOf();
    const pipeline = await load(params);
    const first = await render(pipeline, params, 1.5);
    const again = await render(pipeline, params, 1.5);
    expect(Buffer.from(first.data).equals(Buffer.from(again.data))).toBe(true);
  });

  it('changes with a new seed (a reload)', async () => {
    expect(meanAbsDiff(await still({ seed: 1 }), await still({ seed: 2 }))).toBeGreaterThan(10);
  });

  it('moves over time, and smoothly from one frame to the next', async () => {
    const params = paramsOf();
    const pipeline = await load(params);
    const t0 = await render(pipeline, params, 2);
    const t1 = await render(pipeline, params, 2 + 1 / 30);
    const later = await render(pipeline, params, 8);
    const step = meanAbsDiff(t0, t1);
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(8);
    expect(meanAbsDiff(t1, later)).toBeGreaterThan(10);
  });

  it.each([
    ['zoom', { zoom: 3 }],
    ['hue', { hue: 90 }],
    ['palette', { palette: 'rgb' }],
    ['palette', { palette: 'ocean' }],
    ['symmetry', { symmetry: 'kaleido-6' }],
    ['contrast', { contrast: 2 }],
    ['saturation', { saturation: 0 }],
    ['walk', { walk: 3 }],
  ])('responds live to %s %o', async (_name, change) => {
    const params = paramsOf();
    const pipeline = await load(params);
    const before = await render(pipeline, params, 2);
    const after = await render(pipeline, paramsOf(change), 2);
    expect(meanAbsDiff(before, after)).toBeGreaterThan(3);
  });

  it('saturation 0 gives grey and hue 0 with neutral grading leaves grey grey', async () => {
    const img = await still({ saturation: 0 });
    for (let i = 0; i < img.data.length; i += 4) {
      expect(Math.abs(img.data[i]! - img.data[i + 1]!)).toBeLessThanOrEqual(1);
      expect(Math.abs(img.data[i + 1]! - img.data[i + 2]!)).toBeLessThanOrEqual(1);
    }
  });

  it('mirror-x is mirrored left to right, mirror-xy also top to bottom', async () => {
    const w = 64;
    const flipX = (x: number, y: number): [number, number] => [w - 1 - x, y];
    const flipY = (x: number, y: number): [number, number] => [x, w - 1 - y];
    const plain = await still({ symmetry: 'none' });
    expect(maxDiffUnder(plain, flipX)).toBeGreaterThan(50);
    const mirrored = await still({ symmetry: 'mirror-x' });
    expect(maxDiffUnder(mirrored, flipX)).toBeLessThanOrEqual(2);
    expect(maxDiffUnder(mirrored, flipY)).toBeGreaterThan(50);
    const both = await still({ symmetry: 'mirror-xy' });
    expect(maxDiffUnder(both, flipX)).toBeLessThanOrEqual(2);
    expect(maxDiffUnder(both, flipY)).toBeLessThanOrEqual(2);
  });

  it('kaleido-4 is unchanged by a quarter turn', async () => {
    const w = 64;
    const quarter = (x: number, y: number): [number, number] => [w - 1 - y, x];
    expect(maxDiffUnder(await still({ symmetry: 'none' }), quarter)).toBeGreaterThan(50);
    expect(maxDiffUnder(await still({ symmetry: 'kaleido-4', renderScale: 1 }), quarter)).toBeLessThanOrEqual(2);
  });
});

describe('neural-field with a video input', () => {
  it('takes the input only while inputMix is above 0, and mixes it in by that much', async () => {
    // The engine asks with the untyped snapshot it renders with.
    const wants = (o: Overrides) => takesInput(neuralField, paramsOf(o) as unknown as ParamSnapshot);
    expect(wants({})).toBe(false);
    expect(wants({ inputMix: 0.3 })).toBe(true);
    const params = paramsOf({ inputMix: 1 });
    const p = await load(params);
    const grey = { data: new Uint8Array(64 * 64 * 4).fill(77), width: 64, height: 64 };
    const full = await p.render({ time: 2, dt: 1 / 30, frameIndex: 60, width: 64, height: 64 }, params, grey);
    expect(full.data.every((v, i) => v === (i % 4 === 3 ? 255 : 77))).toBe(true);
    const half = { ...params, inputMix: 0.5 };
    const mixed = await p.render({ time: 2, dt: 1 / 30, frameIndex: 60, width: 64, height: 64 }, half, grey);
    const field = await render(p, paramsOf(), 2);
    const o = (32 * 64 + 32) * 4;
    expect(Math.abs(mixed.data[o]! - (field.data[o]! + 77) / 2)).toBeLessThanOrEqual(1);
  });
});
