import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { artifactPath } from '../../src/models/manifest';
import { OrtRuntime } from '../../src/runtime/ort';
import { snapshotOf } from '../../src/engine/snapshot';
import { approxSize, sdTurboOliveManifest, sdTurboWebgpuManifest, streamDiffusionManifests } from './manifests';
import { chooseVariant, variantsOf } from '../../src/models/variants';
import { resolveModel } from './models';
import { streamDiffusion } from './streamdiffusion';
import { writeTinyModel } from './tiny/write';

const dirs: string[] = [];
const runtime = new OrtRuntime({ intraOpThreads: 1 });
afterAll(async () => {
  await runtime.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'sd-models-'));
  dirs.push(d);
  return d;
}

describe('model files', () => {
  it('declares manifests with valid, distinct artifact paths and the sizes the messages quote', () => {
    for (const m of streamDiffusionManifests) {
      expect(m.pipeline).toBe('streamdiffusion');
      const paths = m.artifacts.map((a) => artifactPath('/models', a));
      expect(new Set(paths).size).toBe(paths.length);
    }
    expect(approxSize(sdTurboOliveManifest.artifacts)).toBe('≈2.6 GB');
  });

  it('offers sd-turbo as the WebGPU-ready and the Olive CUDA export, chosen per provider by the op-set tables', () => {
    const sd = variantsOf(streamDiffusionManifests, 'sd-turbo');
    expect(sd.map((m) => m.id)).toEqual(['sd-turbo@webgpu', 'sd-turbo@olive-cuda']);
    const chosen = Object.fromEntries(
      (['cpu', 'webgpu', 'cuda', 'dml', 'tensorrt', 'coreml'] as const).map((p) => [p, chooseVariant(sd, p).id]),
    );
    expect(chosen).toEqual({
      cpu: 'sd-turbo@webgpu',
      webgpu: 'sd-turbo@webgpu',
      cuda: 'sd-turbo@olive-cuda',
      // DirectML registers GroupNorm and NhwcConv but not SkipGroupNorm: the Olive export would need lowering.
      dml: 'sd-turbo@webgpu',
      tensorrt: 'sd-turbo@webgpu',
      coreml: 'sd-turbo@webgpu',
    });
    // SDXL-Turbo has only the Olive export here, and its file list is incomplete: marked so.
    expect(variantsOf(streamDiffusionManifests, 'sdxl-turbo').map((m) => [m.id, m.variant!.verified])).toEqual([
      ['sdxl-turbo@olive-cuda', false],
    ]);
  });

  it('names only what is missing when part of a model is there', async () => {
    const root = await tempDir();
    const vocab = sdTurboWebgpuManifest.artifacts.find((a) => a.file === 'tokenizer/vocab.json')!;
    await mkdir(dirname(artifactPath(root, vocab)), { recursive: true });
    await cp(join(await writeTinyModel(), 'tokenizer/vocab.json'), artifactPath(root, vocab));
    const err = await resolveModel('sd-turbo', root, 'full').catch((e: Error) => e);
    // The partly downloaded variant is the one named; the command names the model, whose variant the device picks.
    expect(String(err)).toMatch(/needs sd-turbo \(≈2\.6 GB, webgpu variant\): run `daydream-scope download sd-turbo`/);
    expect(String(err)).toMatch(/schmuell\/sd-turbo-ort-web\/tokenizer\/merges\.txt/);
    expect(String(err)).toMatch(/tokenizer\/merges\.txt/);
    expect(String(err)).not.toMatch(/vocab\.json/);
  });

  it('with the files in place (tiny stand-ins at the sd-turbo paths) it loads, runs, and says the CPU is slow', async () => {
    const root = await tempDir();
    const tiny = await writeTinyModel();
    for (const a of sdTurboOliveManifest.artifacts) {
      await mkdir(dirname(artifactPath(root, a)), { recursive: true });
      await cp(join(tiny, a.file), artifactPath(root, a));
    }
    // Only the Olive variant is here: it is the one opened, even for a provider that would prefer the other.
    const files = await resolveModel('sd-turbo', root, 'full', { provider: 'webgpu' });
    expect(files).toMatchObject({
      xl: false,
      latentScale: 0.18215,
      dir: join(root, 'onnxruntime', 'sd-turbo'),
      variant: 'sd-turbo@olive-cuda',
    });

    const saved = process.env.DAYDREAM_SCOPE_MODELS_DIR;
    process.env.DAYDREAM_SCOPE_MODELS_DIR = root;
    try {
      const size = { width: 64, height: 64 };
      const params = snapshotOf(streamDiffusion.params, size, { model: 'sd-turbo', source: 'none', mode: 'txt2img' });
      const logs: string[] = [];
      const p = streamDiffusion.create();
      const ctx = { width: 64, height: 64, params, runtime, progress: () => {}, signal: new AbortController().signal };
      await p.load({ ...ctx, log: (m) => logs.push(m) });
      expect(logs.join('\n')).toMatch(/sd-turbo runs on the CPU execution provider: expect seconds per frame/);
      const image = await p.render({ time: 0, dt: 0, frameIndex: 0, width: 64, height: 64 }, params);
      expect(image.data.length).toBe(64 * 64 * 4);
      await p.unload();
    } finally {
      if (saved === undefined) delete process.env.DAYDREAM_SCOPE_MODELS_DIR;
      else process.env.DAYDREAM_SCOPE_MODELS_DIR = saved;
    }
  });
});
