import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import { DiffusionModel } from './diffusion-model';
import type { ModelFiles } from './models';
import { seededNoise } from '../shared/noise';
import { Timings } from '../shared/timings';
import { writeTinyModel } from './tiny/write';
import type { TinyOptions } from './tiny/write';

const runtime = new OrtRuntime({ intraOpThreads: 1 });
const opened: DiffusionModel[] = [];
afterAll(async () => {
  for (const m of opened) await m.release();
  await runtime.close();
});

async function open(o: TinyOptions): Promise<DiffusionModel> {
  const dir = await writeTinyModel(o);
  const files: ModelFiles = { id: 'tiny', xl: !!o.xl, dir, vaeDir: dir, latentScale: 1, padTokens: ['!', '!'] };
  const m = await DiffusionModel.open(runtime, files, new Timings());
  opened.push(m);
  return m;
}

describe('DiffusionModel', () => {
  it('gives the same noise prediction from a fixed-batch-1 UNet (in slices) as from a dynamic one', async () => {
    const dynamic = await open({});
    const fixed = await open({ unetBatch: 1 });
    const positive = await dynamic.prompts.encode('a red cat');
    const negative = await dynamic.prompts.encode('blue');
    const batch = {
      sample: seededNoise(4, 4 * 4 * 8 * 8),
      timesteps: [999, 679, 359, 99],
      negative: [false, false, true, true],
    };
    const a = await dynamic.predictNoise(batch, positive, negative, 64, 64);
    const b = await fixed.predictNoise(batch, positive, negative, 64, 64);
    expect(b.length).toBe(a.length);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-6);
  });

  it('caches prompt embeddings: a prompt seen before costs no tokenizer or text encoder run', async () => {
    const dir = await writeTinyModel({ xl: true });
    const timings = new Timings();
    const files: ModelFiles = { id: 'tiny-xl', xl: true, dir, vaeDir: dir, latentScale: 1, padTokens: ['!', '!'] };
    const m = await DiffusionModel.open(runtime, files, timings);
    opened.push(m);
    const a = await m.prompts.encode('fire in the city');
    // SDXL layout: both encoders' penultimate layers side by side (16 + 16 wide), the pooled embedding beside.
    expect(a.hidden.length).toBe(77 * 32);
    expect(a.pooled?.length).toBe(16);
    expect(await m.prompts.encode('fire in the city')).toBe(a);
    expect(timings.means()['text encoder']!.count).toBe(2);
    await m.prompts.encode('the sea');
    expect(timings.means()['text encoder']!.count).toBe(4);
  });

  it('runs float16 graphs end to end: encode, predict, decode, all in float32 on this side', async () => {
    const half = await open({ half: true });
    const full = await open({});
    expect(half.half).toBe(true);
    const pixels = Float32Array.from(seededNoise(5, 3 * 64 * 64), (v) => Math.tanh(v));
    const [zh, zf] = [await half.encodeImage(pixels, 64, 64), await full.encodeImage(pixels, 64, 64)];
    expect(zh).toBeInstanceOf(Float32Array);
    zh.forEach((v, i) => expect(Math.abs(v - zf[i]!)).toBeLessThan(1e-2));
    const [ih, iff] = [await half.decodeLatent(zh, 64, 64), await full.decodeLatent(zf, 64, 64)];
    ih.forEach((v, i) => expect(Math.abs(v - iff[i]!)).toBeLessThan(2e-2));
    const ch = await half.prompts.encode('the sea');
    const cf = await full.prompts.encode('the sea');
    ch.hidden.forEach((v, i) => expect(Math.abs(v - cf.hidden[i]!)).toBeLessThan(1e-3));
  });
});
