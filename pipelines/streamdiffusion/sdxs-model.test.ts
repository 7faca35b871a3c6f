import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveModel } from './models';
import { sdxsExportDir } from './sdxs-model';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sdxs-model-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const files = [
  'tokenizer/vocab.json',
  'tokenizer/merges.txt',
  'text_encoder/model.onnx',
  'unet/model.onnx',
  'vae_decoder/model.onnx',
  'vae_encoder/model.onnx',
];

describe('model sdxs', () => {
  it('without its export names the exporter command for the size asked for and what is missing', async () => {
    const error = resolveModel('sdxs', root, 'full', { width: 448, height: 448 });
    await expect(error).rejects.toThrow(
      /sdxs at 448x448 needs an ONNX export of IDKiro\/sdxs-512-0.9 .*`python tools\/sd-variants-export\/export.py --model IDKiro\/sdxs-512-0.9 --variant webgpu --sizes 448 --out .*exports\/sdxs-512`/,
    );
    await expect(error).rejects.toThrow(/missing in .*448x448: tokenizer\/vocab.json, .*vae_encoder\/model.onnx/);
  });

  it('opens the export of its size, with the tiny VAE as its own and latents unscaled, whichever vae is asked', async () => {
    const dir = sdxsExportDir(root, 384, 384);
    for (const f of files) {
      await mkdir(join(dir, f, '..'), { recursive: true });
      await writeFile(join(dir, f), '');
    }
    for (const vae of ['full', 'tiny'] as const) {
      expect(await resolveModel('sdxs', root, vae, { width: 384, height: 384 })).toEqual({
        id: 'sdxs',
        xl: false,
        dir,
        vaeDir: dir,
        latentScale: 1,
        padTokens: ['!', '!'],
      });
    }
    // Static spatial sizes: another size is another export.
    await expect(resolveModel('sdxs', root, 'full', { width: 512, height: 512 })).rejects.toThrow(/--sizes 512/);
  });

  it('refuses a size its UNet cannot halve twice before looking for files', async () => {
    await expect(resolveModel('sdxs-standin', root, 'full', { width: 400, height: 400 })).rejects.toThrow(
      /sdxs image sizes must be multiples of 32.*got 400x400/,
    );
  });
});
