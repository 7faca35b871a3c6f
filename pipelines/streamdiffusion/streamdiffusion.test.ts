import { afterAll, describe, expect, it } from 'vitest';
import { loadForTest } from '../shared/test-load';
import { tempModelsDir } from '../shared/test-models-dir';
import type { Image } from '../../src/engine/frame';
import type { ParamSnapshot, Pipeline } from '../../src/engine/pipeline';
import { snapshotOf } from '../../src/engine/snapshot';
import { OrtRuntime } from '../../src/runtime/ort';
import { streamDiffusion } from './streamdiffusion';

const runtime = new OrtRuntime({ intraOpThreads: 1 });
type SD = typeof streamDiffusion.params;
const loaded: Pipeline<SD>[] = [];
tempModelsDir('sd-models-');

afterAll(async () => {
  for (const p of loaded) await p.unload();
  await runtime.close();
});

function paramsOf(overrides: { [K in keyof SD]?: unknown } = {}, size = 64): ParamSnapshot<SD> {
  return snapshotOf(streamDiffusion.params, { width: size, height: size }, { model: 'tiny', ...overrides });
}

async function load(params: ParamSnapshot<SD>, logs: string[] = []): Promise<Pipeline<SD>> {
  const pipeline = streamDiffusion.create();
  loaded.push(pipeline);
  await loadForTest(pipeline, params, runtime, logs);
  return pipeline;
}

const render = (p: Pipeline<SD>, params: ParamSnapshot<SD>, frame: number, input?: Image) =>
  p.render({ time: frame / 30, dt: 1 / 30, frameIndex: frame, width: 64, height: 64 }, params, input);

const diff = (a: Image, b: Image) => a.data.reduce((s, v, i) => s + Math.abs(v - b.data[i]!), 0) / a.data.length;

describe('streamdiffusion pipeline', () => {
  it('fails to load sd-turbo without its files, saying what to download and how big it is', async () => {
    await expect(load(paramsOf({ model: 'sd-turbo' }))).rejects.toThrow(
      /^streamdiffusion needs sd-turbo \(≈2\.6 GB, webgpu variant\): run `daydream-scope download sd-turbo` \(missing in .*: schmuell\/sd-turbo-ort-web\/tokenizer\/vocab\.json/,
    );
    await expect(load(paramsOf({ model: 'sdxl-turbo', vae: 'tiny' }))).rejects.toThrow(
      /needs sdxl-turbo \(≈\d+\.\d GB, olive-cuda variant\) and taesdxl \(≈10 MB\): run `daydream-scope download sdxl-turbo` and `daydream-scope download taesdxl`/,
    );
  });

  it('renders the tiny model in img2img from neural-field and in txt2img, RGBA at the output size', async () => {
    for (const mode of ['img2img', 'txt2img']) {
      const params = paramsOf({ mode, tIndexList: '0,16,32,45' });
      const p = await load(params);
      const a = await render(p, params, 0);
      const b = await render(p, params, 1);
      expect(a.width).toBe(64);
      expect(a.data.length).toBe(64 * 64 * 4);
      expect(a.data[3]).toBe(255);
      expect(b.data.some((v) => v !== 0)).toBe(true);
    }
  });

  it('changes the image when the prompt or the seed changes, and not otherwise', async () => {
    const base = paramsOf({ mode: 'txt2img', tIndexList: '0', transition: 0 });
    const p = await load(base);
    const first = await render(p, base, 0);
    const again = await render(p, base, 1);
    expect(diff(first, again)).toBe(0);
    const prompt = await render(p, { ...base, prompt: 'a red cat' }, 2);
    expect(diff(first, prompt)).toBeGreaterThan(1);
    const seed = await render(p, { ...base, prompt: 'a red cat', seed: 99 }, 3);
    expect(diff(prompt, seed)).toBeGreaterThan(1);
    // The reseed trigger (true for one frame) moves to new noise, which stays after the trigger is off again.
    const seeded = { ...base, prompt: 'a red cat', seed: 99 };
    const reseeded = await render(p, { ...seeded, reseed: true }, 4);
    expect(diff(seed, reseeded)).toBeGreaterThan(1);
    expect(diff(reseeded, await render(p, seeded, 5))).toBe(0);
    // A t_index_list being typed ("0,") or invalid keeps the last valid one running.
    expect(diff(reseeded, await render(p, { ...seeded, tIndexList: 'x' }, 6))).toBe(0);
  });

  it('txt2img with the default t_index_list is one step: the first frame is already the picture', async () => {
    const one = paramsOf({ mode: 'txt2img', transition: 0 });
    expect(one.tIndexList).toBe('');
    const p = await load(one);
    expect(diff(await render(p, one, 0), await render(p, one, 1))).toBe(0);
    // Two steps (img2img's default list) fill the pipe first: the first frame out is not yet the picture.
    const two = { ...one, tIndexList: '32,45' };
    expect(diff(await render(p, two, 2), await render(p, two, 3))).toBeGreaterThan(1);
  });

  it('takes the engine input image when one is passed, over its own source', async () => {
    const params = paramsOf({ tIndexList: '45', source: 'none' });
    const p = await load(params);
    const black = { data: new Uint8Array(64 * 64 * 4).fill(0), width: 64, height: 64 };
    const white = { data: new Uint8Array(64 * 64 * 4).fill(255), width: 64, height: 64 };
    const a = await render(p, params, 0, black);
    const b = await render(p, params, 1, white);
    expect(diff(a, b)).toBeGreaterThan(20);
  });

  it('runs the SDXL layout (two encoders, text_embeds, time_ids) with full CFG and a negative prompt', async () => {
    const params = paramsOf({ model: 'tiny-xl', cfg: 'full', negativePrompt: 'blue', guidance: 2 });
    const p = await load(params);
    const a = await render(p, params, 0);
    const b = await render(p, { ...params, negativePrompt: 'green sea' }, 1);
    expect(diff(a, b)).toBeGreaterThan(0);
  });

  it('repeats the last frame for near-identical inputs when the similarity filter is on', async () => {
    const params = paramsOf({ source: 'none', similarityFilter: true, similarityThreshold: 0.9, maxSkipFrames: 2 });
    const p = await load(params);
    const grey = { data: new Uint8Array(64 * 64 * 4).fill(128), width: 64, height: 64 };
    const first = await render(p, params, 0, grey);
    // The same input again: similarity 1, skip probability 1, so the very same image object comes back.
    expect(await render(p, params, 1, grey)).toBe(first);
    expect(await render(p, params, 2, grey)).toBe(first);
    // After maxSkipFrames skips a frame is rendered anyway.
    expect(await render(p, params, 3, grey)).not.toBe(first);
  });
});
