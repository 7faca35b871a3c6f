import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../src/engine/snapshot';
import { OrtRuntime } from '../../src/runtime/ort';
import { modelIds } from './models';
import { checkModelSize, firstClassSizes } from './sizes';
import { streamDiffusion } from './streamdiffusion';

describe('image sizes per streamdiffusion model', () => {
  it.each(modelIds.flatMap((m) => firstClassSizes.map((s) => [m, s] as const)))('%s takes %i²', (model, size) => {
    expect(checkModelSize(model, size, size)).toBeUndefined();
  });

  it.each([
    ['sd-turbo-standin', 480, 480, /multiples of 64.*got 480x480/],
    ['sd-turbo-standin-fp32', 512, 448 + 8, /multiples of 64/],
    ['sdxs', 500, 512, /sdxs needs a width and height that are multiples of 32.*got 500x512/],
    ['sdxs-standin', 0, 512, /multiples of 32/],
    ['sd-turbo', 516, 512, /multiples of 8/],
    ['tiny', 60, 64, /multiples of 8/],
  ] as const)('%s refuses %ix%i with a sentence naming the sizes that fit', (model, w, h, pattern) => {
    const error = checkModelSize(model, w, h);
    expect(error).toMatch(pattern);
    expect(error).toMatch(/384x384, 448x448, 512x512 fit every model/);
  });

  it('lets the downloaded exports (free spatial sizes) run sizes the static stand-ins refuse', () => {
    expect(checkModelSize('sd-turbo', 1920, 1080)).toBeUndefined();
    expect(checkModelSize('sd-turbo-standin', 1920, 1080)).toMatch(/multiples of 64/);
    expect(checkModelSize('sdxs-standin', 480, 480)).toBeUndefined();
  });

  it('the pipeline refuses a size its model cannot take at load, before generating or opening anything', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sizes-'));
    const saved = process.env.DAYDREAM_SCOPE_MODELS_DIR;
    process.env.DAYDREAM_SCOPE_MODELS_DIR = root;
    const runtime = new OrtRuntime({ device: 'cpu', worker: false });
    try {
      for (const [model, size] of [
        ['sd-turbo-standin', 480],
        ['sdxs-standin', 400],
      ] as const) {
        const params = snapshotOf(streamDiffusion.params, { width: size, height: size }, { model, source: 'none' });
        const load = streamDiffusion.create().load({
          width: size,
          height: size,
          params,
          runtime,
          progress: () => {},
          signal: new AbortController().signal,
          log: () => {},
        });
        await expect(load).rejects.toThrow(new RegExp(`${model} needs a width and height that are multiples of`));
      }
      expect(await readdir(root)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.DAYDREAM_SCOPE_MODELS_DIR;
      else process.env.DAYDREAM_SCOPE_MODELS_DIR = saved;
      await runtime.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
