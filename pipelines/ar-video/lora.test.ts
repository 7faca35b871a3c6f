import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempModelsDir } from '../shared/test-models-dir';
import type { Image } from '../../src/engine/frame';
import { OrtRuntime } from '../../src/runtime/ort';
import { gaussian, mulberry32 } from '../../src/runtime/seeded-random';
import { mergeIntoGraph } from '../../src/runtime/lora/test-merge';
import { writeSafetensors } from '../../src/runtime/lora/test-safetensors';
import { longlive, longliveSpec } from '../longlive/longlive';
import type { ArVideoPipeline } from './ar-pipeline';
import { loadPipeline, paramsOf, renderFrame } from './test-support';
import { TINY_BLOCK_MODULE } from './tiny/block';
import { TINY_TEXT, writeTinyExport } from './tiny/write';

const runtime = new OrtRuntime({ intraOpThreads: 1, device: 'cpu' });
const loaded: ArVideoPipeline[] = [];
const root = tempModelsDir('ar-lora-');

// A rank-2 LoRA for the tiny block's context projection, in the names Wan video LoRAs use.
const randn = gaussian(mulberry32(5));
const dim = TINY_TEXT.dim;
const down = Float32Array.from({ length: 2 * dim }, () => randn() * 0.5);
const up = Float32Array.from({ length: dim * 2 }, () => randn() * 0.5);

beforeAll(async () => {
  await mkdir(join(root(), 'loras'));
  const file = writeSafetensors({
    [`diffusion_model.${TINY_BLOCK_MODULE}.lora_A.weight`]: { dims: [2, dim], data: down },
    [`diffusion_model.${TINY_BLOCK_MODULE}.lora_B.weight`]: { dims: [dim, 2], data: up },
  });
  await writeFile(join(root(), 'loras', 'wan-style.safetensors'), file);
  const foreign = { dims: [2, 16], data: new Float32Array(32) };
  await writeFile(
    join(root(), 'loras', 'sd-only.safetensors'),
    writeSafetensors({
      'lora_unet_mid_block_attn_to_k.lora_down.weight': foreign,
      'lora_unet_mid_block_attn_to_k.lora_up.weight': { dims: [16, 2], data: new Float32Array(32) },
    }),
  );
});

afterAll(async () => {
  for (const p of loaded) await p.unload();
  await runtime.close();
});

async function frames(overrides: Record<string, string | number>, tinyDir?: string, logs: string[] = []) {
  const params = paramsOf(longlive, { steps: '1000', transition: 0, ...overrides });
  const p = await loadPipeline(
    longliveSpec,
    params,
    runtime,
    { prefetch: false, ...(tinyDir ? { tinyDir } : {}) },
    logs,
  );
  loaded.push(p);
  const out: Image[] = [];
  for (let i = 0; i < 9; i++) out.push(await renderFrame(p, params, i));
  return out;
}

const maxDiff = (a: Image[], b: Image[]) =>
  Math.max(...a.map((f, i) => Math.max(...f.data.map((v, j) => Math.abs(v - b[i]!.data[j]!)))));

describe('ar-video (longlive) with a LoRA on the block', () => {
  it('strength 0 gives the base frames, 1 the block with the LoRA merged in closed form', async () => {
    const base = await frames({});
    const logs: string[] = [];
    expect(maxDiff(await frames({ lora: 'wan-style', loraScale: 0 }, undefined, logs), base)).toBe(0);
    expect(logs).toContain('block: wan-style.safetensors reaches 1 MatMuls');
    const withLora = await frames({ lora: 'wan-style', loraScale: 1 });
    expect(maxDiff(withLora, base)).toBeGreaterThan(2);

    const tiny = await writeTinyExport({ ...longliveSpec.tiny, width: 64, height: 32 });
    const merged = join(root(), 'merged');
    await cp(tiny, merged, { recursive: true });
    const block = join(merged, 'block.onnx');
    await writeFile(
      block,
      mergeIntoGraph(await readFile(block), [{ module: TINY_BLOCK_MODULE, down, up, rank: 2, scale: 1 }]),
    );
    expect(maxDiff(withLora, await frames({}, merged))).toBeLessThanOrEqual(1);
  });

  it('the strength changes from one block to the next without a reload', async () => {
    const params = paramsOf(longlive, { steps: '1000', transition: 0, lora: 'wan-style', loraScale: 0 });
    const run = async (second: number) => {
      const p = await loadPipeline(longliveSpec, params, runtime, { prefetch: false });
      loaded.push(p);
      for (let i = 0; i < 9; i++) await renderFrame(p, params, i);
      const sessions = vi.spyOn(runtime, 'createSession');
      const next = await renderFrame(p, { ...params, loraScale: second }, 9);
      expect(sessions).not.toHaveBeenCalled();
      sessions.mockRestore();
      return next;
    };
    expect(maxDiff([await run(1)], [await run(0)])).toBeGreaterThan(2);
  });

  it('a LoRA for another model is refused at load with a sentence', async () => {
    await expect(frames({ lora: 'sd-only' })).rejects.toThrow(
      /LoRA sd-only\.safetensors matches no MatMul of .*'s block/,
    );
  });
});
