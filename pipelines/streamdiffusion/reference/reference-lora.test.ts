/**
 * The reference image beside a LoRA: the IP UNet is opened with the LoRA's branches, and a LoRA chosen after the
 * IP UNet came in reopens the IP UNet, not the base one (which would lose the image inputs the frames feed).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Image } from '../../../src/engine/frame';
import type { ParamSnapshot } from '../../../src/engine/pipeline';
import { OrtRuntime } from '../../../src/runtime/ort';
import type { streamDiffusion } from '../streamdiffusion';
import { StreamDiffusionPipeline } from '../streamdiffusion';
import { DiffusionModel } from '../diffusion-model';
import { referenceRoot } from './test-reference-root';
import { loadForTest } from '../../shared/test-load';
import { tinyParams } from '../test-params';

const runtime = new OrtRuntime({ intraOpThreads: 1, worker: false });
type SD = typeof streamDiffusion.params;
const loaded: StreamDiffusionPipeline[] = [];

referenceRoot('sd-reference-lora-');

afterAll(async () => {
  for (const p of loaded) await p.unload();
  await runtime.close();
});

async function load(params: ParamSnapshot<SD>, logs: string[] = []) {
  const p = new StreamDiffusionPipeline();
  loaded.push(p);
  await loadForTest(p, params, runtime, logs);
  return p;
}

let frame = 0;
const render = (p: StreamDiffusionPipeline, params: ParamSnapshot<SD>) =>
  p.render({ time: frame / 30, dt: 0, frameIndex: frame++, width: 64, height: 64 }, params);
const meanDiff = (a: Image, b: Image) => a.data.reduce((s, v, i) => s + Math.abs(v - b.data[i]!), 0) / a.data.length;

describe('a reference image with a LoRA', () => {
  it('weight 0 with the LoRA is the LoRA without a reference; the reference still steers', async () => {
    const lora = tinyParams({ lora: 'style', loraScale: 1 });
    const plain = await render(await load(lora), lora);
    const logs: string[] = [];
    const zero = { ...lora, reference: 'red.png', referenceWeight: 0 };
    const p = await load(zero, logs);
    expect(logs.join('\n')).toMatch(/unet_ip\/model\.onnx: style\.safetensors reaches 1 MatMuls/);
    expect((await render(p, zero)).data).toEqual(plain.data);
    expect(meanDiff(await render(p, { ...zero, referenceWeight: 1 }), plain)).toBeGreaterThan(1);
  });

  it('a LoRA chosen once the IP UNet is in reopens the IP UNet with it', async () => {
    const steered = tinyParams({ reference: 'red.png', referenceWeight: 1, loraScale: 1 });
    const logs: string[] = [];
    const p = await load(tinyParams(), logs);
    const before = await render(p, steered);
    const chosen = { ...steered, lora: 'style' };
    await render(p, chosen);
    await p.lorasSettled();
    const after = await render(p, chosen);
    expect(logs).toContain('LoRA now style');
    // The same frame as a pipeline loaded with both from the start: the IP UNet with the LoRA's branches.
    const direct = await render(await load(chosen), chosen);
    expect(after.data).toEqual(direct.data);
    expect(meanDiff(after, before)).toBeGreaterThan(1);
  });

  it('a LoRA change that was opening when the IP UNet came in reaches the IP UNet too, not the text encoders alone', async () => {
    const logs: string[] = [];
    const p = await load(tinyParams({ loraScale: 1 }), logs);
    // Told when the LoRA's graphs start opening (on the base UNet's file: no reference yet).
    let opening!: () => void;
    const started = new Promise<void>((resolve) => (opening = resolve));
    const open = DiffusionModel.prototype.openWithLoras;
    const spy = vi.spyOn(DiffusionModel.prototype, 'openWithLoras').mockImplementation(function (
      this: DiffusionModel,
      set,
    ) {
      opening();
      return open.call(this, set);
    });
    const chosen = tinyParams({ lora: 'style', loraScale: 1 });
    await render(p, chosen);
    await started;
    spy.mockRestore();
    // The reference comes in while they open: the UNet in use is the IP-Adapter's from now on.
    const both = { ...chosen, reference: 'red.png', referenceWeight: 1 };
    await render(p, both);
    await p.lorasSettled();
    await render(p, both);
    await p.lorasSettled();
    const after = await render(p, both);
    // The same frame as a pipeline loaded with both: the IP UNet has the LoRA's branches.
    const direct = await render(await load(both), both);
    expect(after.data).toEqual(direct.data);
    expect(logs.filter((l) => l === 'LoRA now style')).toHaveLength(1);
  });
});
