/**
 * A reference image and a ControlNet at once: the tiny UNet with both the residual inputs and the IP-Adapter's (the
 * graph, then the pipeline): reference weight 0 is the ControlNet alone, ControlNet scale 0 is the reference
 * alone, both on differ from either, a LoRA chosen while both run keeps both, and no handle is left behind per
 * frame. A real model without the combined export is refused with the command that makes it.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Image } from '../../../src/engine/frame';
import type { ParamSnapshot, RenderContext } from '../../../src/engine/pipeline';
import { referencesDir } from '../../../src/references/reference-images';
import { OrtRuntime } from '../../../src/runtime/ort';
import { gaussian, mulberry32 } from '../../../src/runtime/seeded-random';
import { ControlStage } from '../controlnet/control-stage';
import { picture } from '../controlnet/test-pictures';
import { resolveControlNets } from '../controlnet/files';
import { residualShapes } from '../controlnet/residuals';
import {
  buildTinyControlIpUnet,
  buildTinyControlUnet,
  controlResiduals,
  TINY_CHANNELS,
} from '../controlnet/tiny-controlnet';
import { DiffusionModel } from '../diffusion-model';
import { resolveModel } from '../models';
import { Timings } from '../../shared/timings';
import { TypedSession } from '../session-io';
import type { streamDiffusion } from '../streamdiffusion';
import { StreamDiffusionPipeline } from '../streamdiffusion';
import { buildUnet, chain, tinyWeights } from '../tiny/graphs';
import { tinyVocab } from '../tiny/vocab';
import { adapterDir, CONTROL_IP_UNET_FILE, resolveAdapter } from './adapter-files';
import { ReferenceSlot } from './reference-slot';
import { referenceRoot } from './test-reference-root';
import { loadForTest } from '../../shared/test-load';
import { tinyParams } from '../test-params';
import { buildTinyImageEncoder, buildTinyIpUnet, ipExtension, tinyIpWeights } from './tiny-graphs';

const runtime = new OrtRuntime({ intraOpThreads: 1, worker: false });
type SD = typeof streamDiffusion.params;
const loaded: StreamDiffusionPipeline[] = [];
const root = referenceRoot('sd-reference-controlnet-');
const SIZE = 64;

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
const ctx = (): RenderContext => ({
  time: frame / 30,
  dt: 0,
  frameIndex: frame++,
  width: SIZE,
  height: SIZE,
  conditioning: picture('checker'),
});
const render = (p: StreamDiffusionPipeline, params: ParamSnapshot<SD>) => p.render(ctx(), params);
const meanDiff = (a: Image, b: Image) => a.data.reduce((s, v, i) => s + Math.abs(v - b.data[i]!), 0) / a.data.length;

/** The frame a pipeline loaded with `params` draws first, with the checkerboard as the control image. */
async function first(params: ParamSnapshot<SD>): Promise<Image> {
  const p = await load(params);
  const image = await render(p, params);
  await p.unload();
  return image;
}

describe('the tiny UNet for a ControlNet and a reference at once', () => {
  const base = tinyWeights(Object.keys(tinyVocab().vocab).length, 32, 13);
  const ip = tinyIpWeights(32);
  const randn = gaussian(mulberry32(9));
  const fill = (n: number) => Float32Array.from({ length: n }, () => randn());
  const b = 2;
  const common = {
    sample: { data: fill(b * 4 * 8 * 8), dims: [b, 4, 8, 8] },
    timestep: { data: Float32Array.of(999, 300), dims: [b] },
    encoder_hidden_states: { data: fill(b * 77 * 32), dims: [b, 77, 32] },
  };
  const residuals = (zero: boolean) =>
    Object.fromEntries(
      residualShapes(TINY_CHANNELS).map((r) => {
        const dims = [b, r.channels, 8 >> r.level, 8 >> r.level];
        const n = dims.reduce((x, y) => x * y, 1);
        return [r.name, { data: zero ? new Float32Array(n) : fill(n), dims }];
      }),
    );
  const image = (scale: number) => ({
    image_embeds: { data: fill(b * ip.embed), dims: [b, ip.embed] },
    ip_adapter_scale: { data: Float32Array.of(scale), dims: [1] },
  });

  it('is the ControlNet UNet at scale 0 and the IP UNet at zero residuals, value for value; both on differ', async () => {
    const both = await TypedSession.open(runtime, buildTinyControlIpUnet(base, ip));
    const control = await TypedSession.open(runtime, buildTinyControlUnet(base));
    const withIp = await TypedSession.open(runtime, buildTinyIpUnet(base, ip));
    const r = residuals(false);
    const steer = image(1);
    const out = async (s: TypedSession, feeds: object) => (await s.run({ ...common, ...feeds })).out_sample!;
    const controlOnly = await out(control, r);
    expect(await out(both, { ...r, ...image(0) })).toEqual(controlOnly);
    const ipOnly = await out(withIp, steer);
    expect(await out(both, { ...residuals(true), ...steer })).toEqual(ipOnly);
    const on = await out(both, { ...r, ...steer });
    const mean = (a: Float32Array, c: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - c[i]!), 0) / a.length;
    expect(mean(on, controlOnly)).toBeGreaterThan(0.05);
    expect(mean(on, ipOnly)).toBeGreaterThan(0.05);
    await Promise.all([both.release(), control.release(), withIp.release()]);
  });
});

describe('streamdiffusion with a ControlNet and a reference image at once', () => {
  const control = { controlnet: 'depth', controlnetScale: 1 };
  const reference = { reference: 'red.png', referenceWeight: 1 };

  it('weight 0 is the ControlNet alone, scale 0 the reference alone, both on differ from either', async () => {
    const controlAlone = await first(tinyParams(control));
    const referenceAlone = await first(tinyParams(reference));
    const logs: string[] = [];
    const both = tinyParams({ ...control, ...reference });
    const p = await load(both, logs);
    expect(logs.some((l) => l.startsWith('IP-Adapter loaded'))).toBe(true);
    expect(logs.some((l) => / not used: /.test(l))).toBe(false);
    const on = await render(p, both);
    expect((await render(p, { ...both, referenceWeight: 0 })).data).toEqual(controlAlone.data);
    expect((await render(p, { ...both, controlnetScale: 0 })).data).toEqual(referenceAlone.data);
    expect(meanDiff(on, controlAlone)).toBeGreaterThan(1);
    expect(meanDiff(on, referenceAlone)).toBeGreaterThan(1);
  });

  it('a reference chosen while a ControlNet runs brings in the combined UNet: the ControlNet still steers', async () => {
    const p = await load(tinyParams(control));
    const controlOnly = await render(p, tinyParams(control));
    const both = tinyParams({ ...control, ...reference });
    const on = await render(p, both);
    expect(meanDiff(on, controlOnly)).toBeGreaterThan(1);
    expect((await render(p, { ...both, referenceWeight: 0 })).data).toEqual(controlOnly.data);
    expect(meanDiff(await render(p, { ...both, controlnetScale: 0 }), on)).toBeGreaterThan(1);
  });

  it('a LoRA chosen while both run reopens the combined UNet: the ControlNet and the reference still steer', async () => {
    const both = tinyParams({ ...control, ...reference, loraScale: 1 });
    const logs: string[] = [];
    const p = await load(both, logs);
    const before = await render(p, both);
    const chosen = { ...both, lora: 'style' };
    await render(p, chosen);
    await p.lorasSettled();
    const after = await render(p, chosen);
    expect(logs).toContain('LoRA now style');
    expect(meanDiff(after, before)).toBeGreaterThan(1);
    expect(meanDiff(after, await render(p, { ...chosen, referenceWeight: 0 }))).toBeGreaterThan(1);
    expect(meanDiff(after, await render(p, { ...chosen, controlnetScale: 0 }))).toBeGreaterThan(1);
    // The same frame as a pipeline loaded with all three from the start.
    expect(after.data).toEqual((await first(chosen)).data);
  });

  it('keeps no handle from frame to frame on the device engine', async () => {
    const both = tinyParams({ ...control, ...reference, tIndexList: '10,40' });
    const p = await load(both);
    await render(p, both);
    await render(p, both);
    const handles = runtime.handleStats().count;
    for (let i = 0; i < 4; i++) await render(p, both);
    expect(runtime.handleStats().count).toBe(handles);
  });

  it('refuses, for a real model without the combined export, with the exporter command that makes it', async () => {
    const dir = adapterDir(root(), 'sd-turbo');
    for (const f of ['image_encoder', 'unet_ip']) {
      await mkdir(join(dir, f), { recursive: true });
      await writeFile(join(dir, f, 'model.onnx'), '');
    }
    await expect(resolveAdapter('sd-turbo', root())).resolves.toMatchObject({
      unet: join(dir, 'unet_ip', 'model.onnx'),
    });
    await expect(resolveAdapter('sd-turbo', root(), undefined, { controlnet: true })).rejects.toThrow(
      /ControlNet at once need the UNet with both inputs, and .*unet_controlnet_ip.model\.onnx is missing: run `python tools\/ip-adapter-export\/export\.py .*--controlnet --out .*ip-adapter.sd-turbo`/,
    );
  });

  it.each([
    [
      'a UNet without the residual inputs',
      'ip',
      /unet_controlnet_ip.model\.onnx takes no ControlNet residuals \(no down_block_0, /,
    ],
    [
      'one of another precision',
      'half',
      /takes sample as float16 but the ControlNet UNet as float32: export both at one/,
    ],
  ])('refuses %s as the combined UNet with a sentence; the ControlNet UNet stays', async (_what, kind, message) => {
    const models = await mkdtemp(join(root(), 'models-'));
    const dir = adapterDir(models, 'sd-turbo');
    const base = tinyWeights(Object.keys(tinyVocab().vocab).length, 32, 13);
    const ip = tinyIpWeights(32);
    const wrong =
      kind === 'ip'
        ? buildTinyIpUnet(base, ip)
        : buildUnet(base, { half: true, extend: chain(controlResiduals(), ipExtension(32, ip)) });
    const files = {
      'image_encoder/model.onnx': buildTinyImageEncoder(ip),
      'unet_ip/model.onnx': buildTinyIpUnet(base, ip),
      [CONTROL_IP_UNET_FILE]: wrong,
    };
    for (const [name, data] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), data);
    }
    const model = await resolveModel('tiny', models, 'full');
    const control = await resolveControlNets(model, ['depth'], models, { width: SIZE, height: SIZE });
    const size = { width: SIZE, height: SIZE };
    const dm = await DiffusionModel.open(runtime, { ...model, unetPath: control.unet }, new Timings(), () => {}, size);
    dm.control = await ControlStage.open(runtime, control.nets, dm.networks.unet, size);
    const inUse = dm.networks.unet;
    const logs: string[] = [];
    const slot = new ReferenceSlot({
      runtime,
      model: 'sd-turbo',
      modelsDir: models,
      referencesDir: referencesDir(root()),
      size: { ...size, latentChannels: 4, tokens: 77 },
      log: (m) => logs.push(m),
    });
    await slot.apply(dm, 'red.png', 1);
    expect(logs.some((l) => l.startsWith('reference "red.png" not used: ') && message.test(l))).toBe(true);
    expect(dm.networks.unet).toBe(inUse);
    await slot.release();
    await dm.release();
  });
});
