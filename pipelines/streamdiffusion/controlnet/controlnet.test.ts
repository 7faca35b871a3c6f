import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Image } from '../../../src/engine/frame';
import type { ParamSnapshot, Pipeline, RenderContext } from '../../../src/engine/pipeline';
import { snapshotOf } from '../../../src/engine/snapshot';
import { ParamStore } from '../../../src/params/store';
import { OrtRuntime } from '../../../src/runtime/ort';
import { DeviceEngine } from '../device-engine';
import { DiffusionModel } from '../diffusion-model';
import { stagesFor } from '../schedule';
import { NoiseBank } from '../../shared/noise';
import { resolveModel } from '../models';
import type { ModelFiles } from '../models';
import type { StreamDiffusionPipeline } from '../streamdiffusion';
import { streamDiffusion } from '../streamdiffusion';
import { tinyLora, tinyLoraFile } from '../tiny/test-lora';
import { Timings } from '../../shared/timings';
import { plainRequest } from '../test-frame-request';
import { loadForTest } from '../../shared/test-load';
import { tempModelsDir } from '../../shared/test-models-dir';
import { ControlStage } from './control-stage';
import { resolveControlNets } from './files';
import { residualNames, residualShapes } from './residuals';
import { TINY_CHANNELS } from './tiny-controlnet';
import { picture } from './test-pictures';

const runtime = new OrtRuntime({ intraOpThreads: 1 });
type SD = typeof streamDiffusion.params;
const loaded: Pipeline<SD>[] = [];
const models = tempModelsDir('sd-controlnet-');
const SIZE = 64;

afterAll(async () => {
  for (const p of loaded) await p.unload();
  await runtime.close();
});

const paramsOf = (o: { [K in keyof SD]?: unknown } = {}): ParamSnapshot<SD> =>
  snapshotOf(
    streamDiffusion.params,
    { width: SIZE, height: SIZE },
    { model: 'tiny', mode: 'txt2img', transition: 0, ...o },
  );

async function load(params: ParamSnapshot<SD>): Promise<Pipeline<SD>> {
  const pipeline = streamDiffusion.create();
  loaded.push(pipeline);
  await loadForTest(pipeline, params, runtime);
  return pipeline;
}

const ctx = (frame: number, conditioning?: Image): RenderContext => ({
  time: frame / 30,
  dt: 1 / 30,
  frameIndex: frame,
  width: SIZE,
  height: SIZE,
  ...(conditioning ? { conditioning } : {}),
});

/** Three frames with `params`, the control image `control` as the chain's picture; the last one's bytes. */
async function frames(params: ParamSnapshot<SD>, control?: Image): Promise<Uint8Array> {
  const p = await load(params);
  let last: Image | undefined;
  for (let i = 0; i < 3; i++) last = await p.render(ctx(i, control), params);
  await p.unload();
  return last!.data;
}

const differs = (a: Uint8Array, b: Uint8Array) => a.some((v, i) => v !== b[i]);

describe('ControlNet on the tiny model', () => {
  it('gives the 12 down and 1 mid residuals at their levels', async () => {
    const model = await resolveModel('tiny', models(), 'full');
    const files = await resolveControlNets(model, ['depth'], models(), { width: SIZE, height: SIZE });
    const dm = await openControlled(model, files.unet);
    const stage = await ControlStage.open(runtime, files.nets, dm.networks.unet, { width: SIZE, height: SIZE });
    dm.control = stage;
    stage.setFrame(picture('ramp'), [1]);
    const feeds = sampleFeeds(2);
    const r = await stage.host(feeds, 2);
    const shapes = residualShapes(TINY_CHANNELS);
    expect(Object.keys(r)).toEqual(residualNames);
    shapes.forEach((s) => expect(r[s.name]!.dims).toEqual([2, s.channels, 8 >> s.level, 8 >> s.level]));
    expect(r.down_block_0!.data.some((v) => v !== 0)).toBe(true);
    await dm.release();
  });

  it('steers the picture by the control image, the same way every time', async () => {
    const params = paramsOf({ controlnet: 'depth' });
    const ramp = await frames(params, picture('ramp'));
    const again = await frames(params, picture('ramp'));
    const checker = await frames(params, picture('checker'));
    expect(again).toEqual(ramp);
    expect(differs(ramp, checker)).toBe(true);
  });

  it('at scale 0 gives the frames of the model without ControlNet', async () => {
    const without = await frames(paramsOf());
    const zero = await frames(paramsOf({ controlnet: 'depth', controlnetScale: 0 }), picture('checker'));
    const noImage = await frames(paramsOf({ controlnet: 'depth' }));
    const full = await frames(paramsOf({ controlnet: 'depth' }), picture('checker'));
    expect(zero).toEqual(without);
    expect(noImage).toEqual(without);
    expect(differs(full, without)).toBe(true);
  });

  it('sums two ControlNets with their scales, on the device path as on the host', async () => {
    const model = await resolveModel('tiny', models(), 'full');
    const files = await resolveControlNets(model, ['depth', 'canny'], models(), { width: SIZE, height: SIZE });
    const dm = await openControlled(model, files.unet);
    const stage = await ControlStage.open(runtime, files.nets, dm.networks.unet, { width: SIZE, height: SIZE });
    const feeds = sampleFeeds(2);
    const host = async (scales: number[]) => {
      stage.setFrame(picture('checker'), scales);
      return stage.host(feeds, 2);
    };
    const [a, b, both] = [await host([0.7, 0]), await host([0, 1.3]), await host([0.7, 1.3])];
    for (const name of residualNames) {
      const sum = a[name]!.data.map((v, i) => v + b[name]!.data[i]!);
      expectClose(both[name]!.data, sum, 1e-5);
    }
    // The device path: the ControlNets fed handles, their residuals summed by the combine graph.
    const handles = Object.fromEntries(
      await Promise.all(
        Object.entries(feeds).map(
          async ([n, f]) => [n, await runtime.upload({ type: 'float32', dims: f.dims, data: f.data })] as const,
        ),
      ),
    );
    stage.setFrame(picture('checker'), [0.7, 1.3]);
    const device = await stage.device(handles, 2);
    expect(device.owned).toBe(true);
    for (const name of residualNames) {
      const read = (await runtime.read(device.handles[name]!)).data as Float32Array;
      expectClose(read, both[name]!.data, 1e-5);
    }
    await runtime.release([...Object.values(handles), ...Object.values(device.handles)]);
    await stage.release();
    await dm.release();
  });

  it('on the device engine keeps no handle from frame to frame (residuals, control image, per-ControlNet outputs all released)', async () => {
    const model = await resolveModel('tiny', models(), 'full');
    const files = await resolveControlNets(model, ['depth', 'canny'], models(), { width: SIZE, height: SIZE });
    const size = { width: SIZE, height: SIZE };
    const dm = await openControlled(model, files.unet);
    dm.control = await ControlStage.open(runtime, files.nets, dm.networks.unet, size);
    dm.control.setFrame(picture('ramp'), [1, 0.5]);
    const engine = new DeviceEngine(runtime, dm, SIZE, SIZE, new Timings());
    await engine.reset(stagesFor([10, 40]), new NoiseBank(4 * 64, 2, 1).stages);
    const positive = await dm.prompts.encode('a forest');
    const req = plainRequest(positive);
    await engine.render(req);
    const handles = runtime.handleStats().count;
    for (let i = 0; i < 4; i++) await engine.render(req);
    expect(runtime.handleStats().count).toBe(handles);
    // At scale 0 the cached zeros go in instead: still nothing left behind.
    dm.control.setFrame(picture('ramp'), [0, 0]);
    await engine.render(req);
    const withZeros = runtime.handleStats().count;
    for (let i = 0; i < 3; i++) await engine.render(req);
    expect(runtime.handleStats().count).toBe(withZeros);
    await engine.release();
    await dm.release();
  });

  it('two ControlNets in the pipeline differ from either alone; a second at scale 0 changes nothing', async () => {
    const control = picture('checker');
    const depth = await frames(paramsOf({ controlnet: 'depth' }), control);
    const withIdle = await frames(
      paramsOf({ controlnet: 'depth', controlnet2: 'canny', controlnetScale2: 0 }),
      control,
    );
    const both = await frames(paramsOf({ controlnet: 'depth', controlnet2: 'canny' }), control);
    expect(withIdle).toEqual(depth);
    expect(differs(both, depth)).toBe(true);
  });

  it('a LoRA chosen while running reopens the ControlNet UNet with its branches: the control image still steers', async () => {
    await mkdir(join(models(), 'loras'), { recursive: true });
    await writeFile(join(models(), 'loras', 'style-a.safetensors'), tinyLoraFile(tinyLora(21), 'kohya'));
    const control = picture('checker');
    const base = paramsOf({ controlnet: 'depth' });
    const p = (await load(base)) as StreamDiffusionPipeline;
    await p.render(ctx(0, control), base);
    const withLora = { ...base, lora: 'style-a' } as ParamSnapshot<SD>;
    await p.render(ctx(1, control), withLora);
    await p.lorasSettled();
    const steered = await p.render(ctx(2, control), withLora);
    const plain = await p.render(ctx(3, control), { ...withLora, controlnetScale: 0 });
    expect(differs(steered.data, plain.data)).toBe(true);
  });

  it('refuses an unknown ControlNet name with a sentence and keeps the one chosen', () => {
    const store = new ParamStore();
    store.define(streamDiffusion.params, { controlnet: 'depth' }, 'streamdiffusion');
    const result = store.set('controlnet', 'midas', 'osc');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/none, depth, canny, softedge/);
    expect(store.current().controlnet).toBe('depth');
    expect(store.set('controlnetScale2', 'loud', 'osc').ok).toBe(false);
    expect(store.current().controlnetScale2).toBe(1);
  });

  it('refuses files that do not fit with a sentence: a UNet without residual inputs, a UNet as a ControlNet', async () => {
    const model = await resolveModel('tiny', models(), 'full');
    const files = await resolveControlNets(model, ['depth'], models(), { width: SIZE, height: SIZE });
    const size = { width: SIZE, height: SIZE };
    const plain = await DiffusionModel.open(runtime, model, new Timings(), () => {}, size);
    await expect(ControlStage.open(runtime, files.nets, plain.networks.unet, size)).rejects.toThrow(
      /^the ControlNet UNet has no input down_block_0, .*mid_block$/,
    );
    const control = await openControlled(model, files.unet);
    const wrong = [{ name: 'depth', path: files.unet }];
    await expect(ControlStage.open(runtime, wrong, control.networks.unet, size)).rejects.toThrow(
      /^ControlNet depth \(.*unet_controlnet.*\) does not fit: no input controlnet_cond, no output down_block_0/,
    );
    await plain.release();
    await control.release();
  });

  it('refuses ControlNet on an SDXL model and a real one not yet exported, naming the fix', async () => {
    await expect(load(paramsOf({ model: 'tiny-xl', controlnet: 'depth' }))).rejects.toThrow(
      /ControlNet needs an SD 2\.1-family model .*tiny-xl is SDXL/,
    );
    const model = {
      id: 'sd-turbo',
      xl: false,
      dir: models(),
      vaeDir: models(),
      latentScale: 0.18215,
      padTokens: ['!', '!'],
    } as const;
    await expect(
      resolveControlNets({ ...model, padTokens: ['!', '!'] }, ['canny'], models(), { width: 512, height: 512 }),
    ).rejects.toThrow(
      /ControlNet canny for sd-turbo is not exported .*--controlnet canny .*thibaud\/controlnet-sd21-canny-diffusers/,
    );
  });
});

/** A UNet batch of `b`: latents, timesteps and text embeddings as the tiny model takes them. */
function sampleFeeds(b: number) {
  const lat = b * 4 * 8 * 8;
  return {
    sample: { data: Float32Array.from({ length: lat }, (_, i) => Math.sin(i * 0.37)), dims: [b, 4, 8, 8] },
    timestep: { data: Float32Array.from({ length: b }, (_, i) => 999 - 300 * i), dims: [b] },
    encoder_hidden_states: {
      data: Float32Array.from({ length: b * 77 * 32 }, (_, i) => Math.cos(i * 0.11) * 0.5),
      dims: [b, 77, 32],
    },
  };
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThan(tol);
}

/** The tiny model opened with the ControlNet UNet in place of its own. */
function openControlled(model: ModelFiles, unetPath: string): Promise<DiffusionModel> {
  return DiffusionModel.open(runtime, { ...model, unetPath }, new Timings(), () => {}, { width: SIZE, height: SIZE });
}
