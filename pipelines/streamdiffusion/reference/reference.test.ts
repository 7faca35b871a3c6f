/**
 * The reference image through the tiny IP-Adapter: the graphs (scale 0 is the base UNet, value for value) and the
 * pipeline (weight 0 is no reference, another picture another frame, the weight live, a bad file refused); beside
 * a ControlNet: reference-controlnet.test.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Image } from '../../../src/engine/frame';
import type { ParamSnapshot, Pipeline } from '../../../src/engine/pipeline';
import { referencesDir } from '../../../src/references/reference-images';
import { gaussian, mulberry32 } from '../../../src/runtime/seeded-random';
import { OrtRuntime } from '../../../src/runtime/ort';
import { streamDiffusion } from '../streamdiffusion';
import { TypedSession } from '../session-io';
import { buildUnet, tinyWeights } from '../tiny/graphs';
import { tinyModelFiles } from '../models';
import { writeTinyModel } from '../tiny/write';
import { DiffusionModel } from '../diffusion-model';
import { Timings } from '../../shared/timings';
import { loadForTest } from '../../shared/test-load';
import { tempModelsDir } from '../../shared/test-models-dir';
import { tinyParams } from '../test-params';
import { tinyVocab } from '../tiny/vocab';
import { buildTinyImageEncoder, buildTinyIpUnet, tinyIpWeights } from './tiny-graphs';

const runtime = new OrtRuntime({ intraOpThreads: 1, worker: false });
type SD = typeof streamDiffusion.params;
const loaded: Pipeline<SD>[] = [];
const models = tempModelsDir('sd-reference-');

const solid = (r: number, g: number, b: number) =>
  sharp({ create: { width: 300, height: 200, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

beforeAll(async () => {
  const dir = referencesDir(models());
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'red.png'), await solid(230, 30, 20));
  // A gradient: the tiny encoder pools 56×56 cells, so the picture's layout matters, not only its mean colour.
  const gradient = Buffer.alloc(224 * 224 * 3);
  for (let i = 0; i < 224 * 224; i++) gradient.set([(i % 224) + 16, 40, 255 - Math.floor(i / 224)], i * 3);
  await writeFile(
    join(dir, 'blue.png'),
    await sharp(gradient, { raw: { width: 224, height: 224, channels: 3 } })
      .png()
      .toBuffer(),
  );
  await writeFile(join(dir, 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\n this is not the rest of a PNG'));
});

afterAll(async () => {
  for (const p of loaded) await p.unload();
  await runtime.close();
});

describe('tiny IP-Adapter graphs', () => {
  const vocabSize = Object.keys(tinyVocab().vocab).length;
  const base = tinyWeights(vocabSize, 32, 13);
  const ip = tinyIpWeights(32);
  const randn = gaussian(mulberry32(5));
  const fill = (n: number) => Float32Array.from({ length: n }, () => randn());
  const b = 3;
  const feeds = {
    sample: { data: fill(b * 4 * 4 * 5), dims: [b, 4, 4, 5] },
    timestep: { data: Float32Array.of(999, 500, 20), dims: [b] },
    encoder_hidden_states: { data: fill(b * 77 * 32), dims: [b, 77, 32] },
  };

  it('give the base UNet’s output at scale 0, value for value, and another one at scale 1', async () => {
    const plain = await TypedSession.open(runtime, buildUnet(base));
    const withIp = await TypedSession.open(runtime, buildTinyIpUnet(base, ip));
    const embeds = { data: fill(b * ip.embed), dims: [b, ip.embed] };
    const run = async (scale: number) =>
      (
        await withIp.run({
          ...feeds,
          image_embeds: embeds,
          ip_adapter_scale: { data: Float32Array.of(scale), dims: [1] },
        })
      ).out_sample!;
    const expected = (await plain.run(feeds)).out_sample!;
    expect(await run(0)).toEqual(expected);
    const steered = await run(1);
    const moved = steered.reduce((s, v, i) => s + Math.abs(v - expected[i]!), 0) / steered.length;
    expect(moved).toBeGreaterThan(0.05);
    // The image branch is linear in the scale: half the scale moves the output half as far.
    const half = await run(0.5);
    half.forEach((v, i) => expect(v).toBeCloseTo((expected[i]! + steered[i]!) / 2, 4));
    await Promise.all([plain.release(), withIp.release()]);
  });

  it('run on a fixed-batch UNet in slices, the weight fed whole to each slice, as one call on a dynamic one', async () => {
    const files = tinyModelFiles(await writeTinyModel({ unetBatch: 1 }));
    const model = await DiffusionModel.open(runtime, files, new Timings());
    const dynamic = await TypedSession.open(runtime, buildTinyIpUnet(base, ip));
    const embeds = fill(2 * ip.embed);
    const extra = (mask: boolean[]) => ({
      image_embeds: { data: embeds.subarray(0, mask.length * ip.embed), dims: [mask.length, ip.embed] },
      ip_adapter_scale: { data: Float32Array.of(0.7), dims: [1] },
    });
    const fixed = join(models(), 'fixed-batch-ip');
    await mkdir(join(fixed, 'unet_ip'), { recursive: true });
    await writeFile(join(fixed, 'unet_ip', 'model.onnx'), buildTinyIpUnet(base, ip, { batch: 1 }));
    await model.useIpUnet({ dir: fixed, file: 'unet_ip/model.onnx' }, extra, () => {});
    expect(model.dynamicBatch).toBe(false);
    const positive = { hidden: fill(77 * 32) };
    const batch = { sample: fill(2 * 4 * 2 * 3), timesteps: [999, 20], negative: [false, false] };
    const sliced = await model.predictNoise(batch, positive, positive, 3 * 8, 2 * 8);
    const whole = await dynamic.run({
      sample: { data: batch.sample, dims: [2, 4, 2, 3] },
      timestep: { data: Float32Array.of(999, 20), dims: [2] },
      ...model.conditioningFeeds(batch.negative, positive, positive, 3 * 8, 2 * 8),
    });
    // Equal up to the rounding of batch-1 and batch-2 kernels.
    expect(sliced.length).toBe(whole.out_sample!.length);
    sliced.forEach((v, i) => expect(v).toBeCloseTo(whole.out_sample![i]!, 5));
    await Promise.all([model.release(), dynamic.release()]);
  });

  it('encode two pictures to different image embeddings of the declared width', async () => {
    const encoder = await TypedSession.open(runtime, buildTinyImageEncoder(ip));
    const embed = async (v: number) =>
      (await encoder.run({ pixel_values: { data: new Float32Array(3 * 224 * 224).fill(v), dims: [1, 3, 224, 224] } }))
        .image_embeds!;
    const [a, c] = [await embed(-1), await embed(1)];
    expect(a.length).toBe(ip.embed);
    expect(a).not.toEqual(c);
    await encoder.release();
  });
});

async function load(params: ParamSnapshot<SD>, logs: string[]): Promise<Pipeline<SD>> {
  const pipeline = streamDiffusion.create();
  loaded.push(pipeline);
  await loadForTest(pipeline, params, runtime, logs);
  return pipeline;
}

let frameIndex = 0;
const render = (p: Pipeline<SD>, params: ParamSnapshot<SD>) =>
  p.render({ time: frameIndex / 30, dt: 1 / 30, frameIndex: frameIndex++, width: 64, height: 64 }, params);
const diff = (a: Image, b: Image) => a.data.reduce((s, v, i) => s + Math.abs(v - b.data[i]!), 0) / a.data.length;

describe('streamdiffusion with a reference image', () => {
  it.each(['tiny', 'tiny-xl'])(
    '%s: weight 0 gives the frame of no reference; a picture, another picture and the weight each change it',
    async (model) => {
      const logs: string[] = [];
      const paramsOf = (o: { [K in keyof SD]?: unknown } = {}) => tinyParams({ model, ...o });
      const p = await load(paramsOf(), logs);
      const none = await render(p, paramsOf());

      const zero = await render(p, paramsOf({ reference: 'red.png', referenceWeight: 0 }));
      expect(logs.filter((l) => l.startsWith('IP-Adapter loaded'))).toHaveLength(1);
      expect(zero.data).toEqual(none.data);

      const red = await render(p, paramsOf({ reference: 'red.png', referenceWeight: 1 }));
      expect(diff(red, none)).toBeGreaterThan(1);
      // Deterministic: the same reference and weight give the same frame again.
      expect((await render(p, paramsOf({ reference: 'red.png', referenceWeight: 1 }))).data).toEqual(red.data);

      const blue = await render(p, paramsOf({ reference: 'blue.png', referenceWeight: 1 }));
      expect(diff(blue, red)).toBeGreaterThan(1);

      // The weight is a graph input: another value changes the very next frame, with no reload.
      const lighter = await render(p, paramsOf({ reference: 'blue.png', referenceWeight: 0.4 }));
      expect(diff(lighter, blue)).toBeGreaterThan(0.3);
      expect(diff(lighter, none)).toBeGreaterThan(0.3);
      expect(logs.filter((l) => l.startsWith('IP-Adapter loaded'))).toHaveLength(1);

      // Clearing the reference is the frame of no reference again.
      expect((await render(p, paramsOf({ reference: '', referenceWeight: 1 }))).data).toEqual(none.data);
    },
  );

  it('opens the adapter during the load when a reference is set then, and draws the same frame', async () => {
    const logs: string[] = [];
    const params = tinyParams({ reference: 'red.png', referenceWeight: 1 });
    const atLoad = await load(params, logs);
    expect(logs.filter((l) => l.startsWith('IP-Adapter loaded'))).toHaveLength(1);
    const first = await render(atLoad, params);
    const later = await load(tinyParams(), []);
    await render(later, tinyParams());
    expect((await render(later, params)).data).toEqual(first.data);
  });

  it.each([
    ['a file that does not decode', 'broken.png', /reference "broken\.png" is not an image this server decodes/],
    ['a name with no file', 'nowhere.png', /no reference image "nowhere\.png"/],
    ['a path', '../red.png', /is not a reference name/],
  ])('refuses %s with a sentence and keeps the reference in use', async (_what, name, message) => {
    const logs: string[] = [];
    const p = await load(tinyParams(), logs);
    const red = await render(p, tinyParams({ reference: 'red.png', referenceWeight: 1 }));
    const after = await render(p, tinyParams({ reference: name, referenceWeight: 1 }));
    expect(after.data).toEqual(red.data);
    expect(logs.some((l) => message.test(l) && l.endsWith('"red.png" stays'))).toBe(true);
  });
});
