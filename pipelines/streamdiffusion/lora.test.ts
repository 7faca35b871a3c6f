import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadForTest } from '../shared/test-load';
import { tempModelsDir } from '../shared/test-models-dir';
import { tinyParams } from './test-params';
import type { Image } from '../../src/engine/frame';
import type { ParamSnapshot } from '../../src/engine/pipeline';
import { sanitize } from '../../src/params/spec';
import { OrtRuntime } from '../../src/runtime/ort';
import { writeSafetensors } from '../../src/runtime/lora/test-safetensors';
import { resolveModel } from './models';
import { StreamDiffusionPipeline, streamDiffusion } from './streamdiffusion';
import { mergedTinyModel, tinyLora, tinyLoraFile } from './tiny/test-lora';
import { writeTinyModel } from './tiny/write';

const runtime = new OrtRuntime({ intraOpThreads: 1 });
type SD = typeof streamDiffusion.params;
const loaded: StreamDiffusionPipeline[] = [];
const root = tempModelsDir('sd-lora-');

const styleA = tinyLora(21);
const styleB = tinyLora(22, { text: false });
const styleXl = tinyLora(23, { xl: true, unet: false });

beforeAll(async () => {
  await mkdir(join(root(), 'loras'));
  await writeFile(join(root(), 'loras', 'style-a.safetensors'), tinyLoraFile(styleA, 'kohya'));
  await writeFile(join(root(), 'loras', 'style-b.safetensors'), tinyLoraFile(styleB, 'peft'));
  await writeFile(join(root(), 'loras', 'xl-style.safetensors'), tinyLoraFile(styleXl, 'kohya'));
  await writeFile(join(root(), 'loras', 'broken.safetensors'), new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9, 1]));
  // A well-formed LoRA for modules the tiny graphs do not have (another model's).
  const foreign = { dims: [2, 8], data: new Float32Array(16) };
  await writeFile(
    join(root(), 'loras', 'other-model.safetensors'),
    writeSafetensors({
      'lora_unet_down_blocks_3_attn9_to_v.lora_down.weight': foreign,
      'lora_unet_down_blocks_3_attn9_to_v.lora_up.weight': { dims: [8, 2], data: new Float32Array(16) },
    }),
  );
});

afterAll(async () => {
  for (const p of loaded) await p.unload();
  await runtime.close();
});

/** A pipeline loaded with `params`; `dir` replaces the tiny model's folder (the merged-weights copy). */
async function load(params: ParamSnapshot<SD>, logs: string[] = [], dir?: string) {
  const resolve: typeof resolveModel = async (...args) => {
    const files = await resolveModel(...args);
    return dir ? { ...files, dir, vaeDir: dir } : files;
  };
  const p = new StreamDiffusionPipeline(resolve);
  loaded.push(p);
  await loadForTest(p, params, runtime, logs);
  return p;
}

let frame = 0;
const render = (p: StreamDiffusionPipeline, params: ParamSnapshot<SD>) =>
  p.render({ time: frame / 30, dt: 0, frameIndex: frame++, width: 64, height: 64 }, params);

/** Mean and largest per-channel difference of two frames. */
const diff = (a: Image, b: Image) => {
  let sum = 0;
  let max = 0;
  a.data.forEach((v, i) => {
    const d = Math.abs(v - b.data[i]!);
    sum += d;
    max = Math.max(max, d);
  });
  return { mean: sum / a.data.length, max };
};

describe('streamdiffusion with LoRAs', () => {
  it('strength 0 is the base model, 1 the weights merged in closed form, and the strength moves without a reload', async () => {
    const base = await render(await load(tinyParams()), tinyParams());
    const logs: string[] = [];
    const withA = tinyParams({ lora: 'style-a', loraScale: 0 });
    const p = await load(withA, logs);
    expect(logs.join('\n')).toMatch(/unet\/model\.onnx: style-a\.safetensors reaches 1 MatMuls/);
    expect(logs.join('\n')).toMatch(/text_encoder\/model\.onnx: style-a\.safetensors reaches 1 MatMuls/);
    expect(diff(await render(p, withA), base).max).toBe(0);

    const sessions = vi.spyOn(runtime, 'createSession');
    const full = await render(p, { ...withA, loraScale: 1 });
    const half = await render(p, { ...withA, loraScale: 0.5 });
    expect(sessions).not.toHaveBeenCalled();
    sessions.mockRestore();
    expect(diff(full, base).mean).toBeGreaterThan(2);
    expect(diff(half, full).mean).toBeGreaterThan(1);

    const tiny = await writeTinyModel();
    for (const [strength, image] of [
      [1, full],
      [0.5, half],
    ] as const) {
      const dir = await mergedTinyModel(tiny, join(root(), `merged-${strength}`), [{ lora: styleA, strength }]);
      const merged = await render(await load(tinyParams(), [], dir), tinyParams());
      expect(diff(image, merged).max).toBeLessThanOrEqual(1);
    }
  });

  it('two LoRAs at once (kohya and PEFT names) compose as both merged', async () => {
    const params = tinyParams({ lora: 'style-a', loraScale: 0.7, lora2: 'style-b', loraScale2: -0.4 });
    const both = await render(await load(params), params);
    const dir = await mergedTinyModel(await writeTinyModel(), join(root(), 'merged-both'), [
      { lora: styleA, strength: 0.7 },
      { lora: styleB, strength: -0.4, naming: 'peft' },
    ]);
    expect(diff(both, await render(await load(tinyParams(), [], dir), tinyParams())).max).toBeLessThanOrEqual(1);
  });

  it('the SDXL layout: te1 and te2 pairs each reach their own text encoder', async () => {
    const xl = (o: { [K in keyof SD]?: unknown } = {}) => tinyParams({ model: 'tiny-xl', ...o });
    const base = await render(await load(xl()), xl());
    const logs: string[] = [];
    const withXl = xl({ lora: 'xl-style', loraScale: 0.8 });
    const image = await render(await load(withXl, logs), withXl);
    expect(logs.filter((l) => /xl-style\.safetensors reaches 1 MatMuls/.test(l))).toHaveLength(2);
    expect(diff(image, base).mean).toBeGreaterThan(2);
    const dir = await mergedTinyModel(await writeTinyModel({ xl: true }), join(root(), 'merged-xl'), [
      { lora: styleXl, strength: 0.8 },
    ]);
    expect(diff(image, await render(await load(xl(), [], dir), xl())).max).toBeLessThanOrEqual(1);
  });

  it('a change of LoRA while running reopens the graphs beside the running ones and puts them in place', async () => {
    const logs: string[] = [];
    const none = tinyParams({ loraScale: 1 });
    const p = await load(none, logs);
    const before = await render(p, none);
    const chosen = { ...none, lora: 'style-a' };
    // The frame that asks for it is still the old graph's; the next ones, once it is ready, the new one's.
    expect(diff(await render(p, chosen), before).max).toBe(0);
    await p.lorasSettled();
    const after = await render(p, chosen);
    expect(logs).toContain('LoRA now style-a');
    const direct = await render(await load(chosen), chosen);
    expect(diff(after, direct).max).toBe(0);
    expect(diff(after, before).mean).toBeGreaterThan(2);
  });

  it('a change taken back while it was opening never reaches the screen', async () => {
    const logs: string[] = [];
    const none = tinyParams({ loraScale: 1 });
    const p = await load(none, logs);
    const before = await render(p, none);
    // Picked, then back to no LoRA before the next frame: the graphs opened for it are ready by then.
    await render(p, { ...none, lora: 'style-a' });
    await p.lorasSettled();
    expect(diff(await render(p, none), before).max).toBe(0);
    await p.lorasSettled();
    expect(diff(await render(p, none), before).max).toBe(0);
    expect(logs).not.toContain('LoRA now style-a');
  });

  it('a file that is not a LoRA, or a LoRA for another model, is refused and the show goes on unchanged', async () => {
    const logs: string[] = [];
    const a = tinyParams({ lora: 'style-a' });
    const p = await load(a, logs);
    const before = await render(p, a);
    for (const [name, why] of [
      ['broken', /broken\.safetensors is not a usable LoRA: not a safetensors file/],
      ['other-model', /LoRA other-model\.safetensors matches no MatMul of tiny's UNet or text encoder/],
    ] as const) {
      const bad = { ...a, lora: name };
      await render(p, bad);
      await p.lorasSettled();
      expect(diff(await render(p, bad), before).max).toBe(0);
      expect(logs.some((l) => why.test(l) && l.includes('refused, style-a goes on'))).toBe(true);
    }
    // A load asked for with such a file fails with the same sentence.
    await expect(load(tinyParams({ lora: 'broken' }))).rejects.toThrow(/broken\.safetensors is not a usable LoRA/);
  });

  it('the choices are the files in the LoRA folder: another name is refused when set', () => {
    const spec = streamDiffusion.params.lora;
    expect(spec.options).toEqual(['none', 'broken', 'other-model', 'style-a', 'style-b', 'xl-style']);
    expect(sanitize(spec, 'style-b')).toEqual({ ok: true, value: 'style-b' });
    const refused = sanitize(spec, 'nope');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(
      /expected one of none, broken, other-model, style-a, style-b, xl-style/,
    );
  });
});
