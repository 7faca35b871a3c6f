import { afterAll, describe, expect, it } from 'vitest';
import type { Image } from '../../src/engine/frame';
import { OrtRuntime } from '../../src/runtime/ort';
import { rgbaToI420, rgbaToUyvy } from '../../src/media/from-rgba';
import type { Conditioning } from '../shared/blend';
import { DeviceEngine } from './device-engine';
import { DiffusionModel } from './diffusion-model';
import { HostEngine } from './host-engine';
import type { FrameEngine, FrameRequest } from './host-engine';
import { plainRequest } from './test-frame-request';
import { NoiseBank } from '../shared/noise';
import { parseTIndexList, stagesFor } from './schedule';
import type { CfgMode } from './stream-batch';
import { Timings } from '../shared/timings';
import { tinyModelFiles } from './models';
import { writeTinyModel } from './tiny/write';
import type { TinyOptions } from './tiny/write';
import { tinyNamings } from './tiny/export-naming';

const SIZE = 64;
const cpu = new OrtRuntime({ device: 'cpu', intraOpThreads: 1 });
// CI runs the WebGPU half on Mesa's lavapipe; no adapter there fails the first test below.
const webgpu = new OrtRuntime({ device: 'webgpu' });
const models: DiffusionModel[] = [];
afterAll(async () => {
  await Promise.allSettled(models.map((m) => m.release()));
  await Promise.all([cpu.close(), webgpu.close()]);
});

async function open(runtime: OrtRuntime, o: TinyOptions = {}, fixSize = false): Promise<DiffusionModel> {
  const files = tinyModelFiles(await writeTinyModel(o), !!o.xl);
  const image = fixSize ? { width: SIZE, height: SIZE } : undefined;
  const model = await DiffusionModel.open(runtime, files, new Timings(), () => {}, image);
  models.push(model);
  return model;
}

/** A gradient with a disc: an input whose latent differs from place to place. */
function inputImage(shift: number): Image {
  const data = new Uint8Array(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 4;
      const inside = (x - 32 - shift) ** 2 + (y - 30) ** 2 < 200;
      data.set([(x * 4 + shift * 9) & 255, y * 4, inside ? 240 : 30, 255], i);
    }
  }
  return { data, width: SIZE, height: SIZE };
}

interface Case {
  steps: string;
  cfg: CfgMode;
  img2img: boolean;
  addNoise?: boolean;
}

/** Runs the same frames through the host engine and the device engine; returns the worst channel difference. */
async function compare(model: DiffusionModel, runtime: OrtRuntime, c: Case): Promise<{ worst: number; mean: number }> {
  const stages = stagesFor(parseTIndexList(c.steps));
  const size = 4 * (SIZE / 8) ** 2;
  const timings = new Timings();
  const engines: FrameEngine[] = [
    new HostEngine(model, SIZE, SIZE, timings),
    new DeviceEngine(runtime, model, SIZE, SIZE, timings),
  ];
  const banks = engines.map(() => new NoiseBank(size, stages.length, 5));
  await Promise.all(engines.map((e, i) => e.reset(stages, banks[i]!.stages)));
  const positive: Conditioning = await model.prompts.encode('a forest at dawn');
  const negative: Conditioning = await model.prompts.encode('blurry');
  let worst = 0;
  let sum = 0;
  let count = 0;
  try {
    for (let frame = 0; frame < 5; frame++) {
      if (frame === 3) {
        // A drift mid-stream: new noise for new frames, the frames in flight keep theirs.
        banks.forEach((b, i) => {
          b.drift(0.3);
          engines[i]!.setNoise(b.stages);
        });
      }
      const req: FrameRequest = {
        image: c.img2img ? inputImage(frame) : undefined,
        pixels: undefined,
        positive,
        negative,
        guidance: { cfg: c.cfg, scale: 1.4, delta: 0.8 },
        addNoise: c.addNoise ?? true,
      };
      const [a, b] = [await engines[0]!.render(req), await engines[1]!.render(req)];
      for (let i = 0; i < a.data.length; i++) {
        worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
        sum += a.data[i]!;
        count++;
      }
    }
  } finally {
    await Promise.all(engines.map((e) => e.release()));
  }
  return { worst, mean: sum / count };
}

const cases: Case[] = [
  { steps: '0', cfg: 'none', img2img: false },
  { steps: '10,25,40', cfg: 'none', img2img: false },
  { steps: '10,25,40', cfg: 'self', img2img: true },
  { steps: '10,25,40', cfg: 'self', img2img: true, addNoise: false },
  { steps: '20,35,45', cfg: 'full', img2img: true },
  { steps: '10,25,40', cfg: 'initialize', img2img: true },
  { steps: '16,45', cfg: 'initialize', img2img: false },
];

describe.each([
  ['CPU provider', cpu],
  ['WebGPU', webgpu],
])('device-resident stream (%s) draws what the host stream draws', (_name, runtime) => {
  it('runs on the provider asked for', async () => {
    const choice = await runtime.provider();
    expect(choice.provider, choice.reason).toBe(runtime.options.device);
  });

  it.each(cases)('steps $steps, cfg $cfg, img2img $img2img', async (c) => {
    const { worst, mean } = await compare(await open(runtime), runtime, c);
    expect(worst).toBeLessThanOrEqual(1);
    expect(mean).toBeGreaterThan(10);
    expect(mean).toBeLessThan(245);
  });

  it('does the SDXL layout (text_embeds, time_ids) with full CFG', async () => {
    const { worst } = await compare(await open(runtime, { xl: true }), runtime, {
      steps: '20,40',
      cfg: 'full',
      img2img: true,
    });
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('does a float16 export', async () => {
    const { worst } = await compare(await open(runtime, { half: true }), runtime, {
      steps: '20,40',
      cfg: 'self',
      img2img: true,
    });
    expect(worst).toBeLessThanOrEqual(1);
  });

  it.each([
    ['the WebGPU export (int64 timestep, named free dimensions fixed to the size)', tinyNamings.webgpu],
    ["onnxruntime's demo names (latent, images, text_embeddings)", tinyNamings.ortDemo],
  ])('does %s', async (_what, naming) => {
    const { worst } = await compare(await open(runtime, { naming, half: true }, true), runtime, {
      steps: '20,40',
      cfg: 'self',
      img2img: true,
    });
    expect(worst).toBeLessThanOrEqual(1);
  });
});

describe('the device-resident stream on WebGPU', () => {
  it('brings one RGBA frame to the host per frame, uploads nothing in steady state, and leaks no handle', async () => {
    const model = await open(webgpu);
    const stages = stagesFor([10, 25, 40]);
    const engine = new DeviceEngine(webgpu, model, SIZE, SIZE, new Timings());
    await engine.reset(stages, new NoiseBank(4 * 64, 3, 1).stages);
    const positive = await model.prompts.encode('a forest');
    const req = plainRequest(positive);
    await engine.render(req);
    const handles = webgpu.handleStats().count;
    const before = webgpu.transfers();
    for (let i = 0; i < 4; i++) await engine.render(req);
    const after = webgpu.transfers();
    expect(after.toHostCopies - before.toHostCopies).toBe(4);
    expect(after.toHostBytes - before.toHostBytes).toBe(4 * SIZE * SIZE * 4);
    expect(after.toDeviceCopies - before.toDeviceCopies).toBe(0);
    expect(webgpu.handleStats().count).toBe(handles);
    await engine.release();
  });

  it('delivers the layouts asked for beside the RGBA, made on the device', async () => {
    const model = await open(webgpu);
    const engine = new DeviceEngine(webgpu, model, SIZE, SIZE, new Timings(), ['i420', 'uyvy']);
    await engine.reset(stagesFor([0]), new NoiseBank(4 * 64, 1, 3).stages);
    const positive = await model.prompts.encode('a forest');
    const frame = await engine.render(plainRequest(positive));
    expect(frame.formats?.i420).toEqual(rgbaToI420(frame.data, SIZE, SIZE));
    expect(frame.formats?.uyvy).toEqual(rgbaToUyvy(frame.data, SIZE, SIZE));
    expect(frame.formats?.bgra).toBeUndefined();
    await engine.release();
  });
});
