import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/runtime/graph-builder';
import { OrtRuntime } from '../../src/runtime/ort';
import { NoiseBank } from '../shared/noise';
import { Timings } from '../shared/timings';
import { DeviceEngine } from './device-engine';
import { DiffusionModel } from './diffusion-model';
import { HostEngine } from './host-engine';
import type { FrameEngine } from './host-engine';
import { checkPredictionType, checkVae } from './load-guards';
import type { VaeRoundTrip } from './load-guards';
import { stagesFor } from './schedule';
import { tinyModelFiles } from './models';
import { plainRequest } from './test-frame-request';
import { writeTinyModel } from './tiny/write';

const temps: string[] = [];
const cpu = new OrtRuntime({ device: 'cpu', intraOpThreads: 1 });
afterAll(async () => {
  await cpu.close();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sd-guards-'));
  temps.push(dir);
  return dir;
}

async function withScheduler(config: string): Promise<string> {
  const dir = await tempDir();
  await mkdir(join(dir, 'scheduler'));
  await writeFile(join(dir, 'scheduler', 'scheduler_config.json'), config);
  return dir;
}

describe('prediction type', () => {
  it('takes epsilon and exports without a scheduler config, refuses v-prediction with a sentence', async () => {
    await expect(checkPredictionType(await tempDir(), 'sd-turbo')).resolves.toBeUndefined();
    const eps = await withScheduler('{"_class_name": "EulerDiscreteScheduler", "prediction_type": "epsilon"}');
    await expect(checkPredictionType(eps, 'sd-turbo')).resolves.toBeUndefined();
    const v = await withScheduler('{"prediction_type": "v_prediction"}');
    await expect(checkPredictionType(v, 'sd-turbo')).rejects.toThrow(
      'sd-turbo predicts "v_prediction" (scheduler/scheduler_config.json): streamdiffusion reads the UNet\'s output',
    );
    await expect(checkPredictionType(await withScheduler('{nope'), 'sd-turbo')).rejects.toThrow(/not a JSON object/);
  });
});

/** A VAE that keeps the pixels as its "latent" and maps them with `decode` on the way back. */
const fakeVae = (decode: (v: number) => number): VaeRoundTrip => ({
  encode: async (pixels) => pixels.slice(),
  decode: async (latent) => latent.map(decode),
});

describe('VAE round trip at load', () => {
  it('passes a VAE that gives back what it is given', async () => {
    await expect(
      checkVae(
        fakeVae((v) => v * 0.95),
        64,
        32,
        { label: 'the tiny VAE', range: true },
      ),
    ).resolves.toBe(undefined);
  });

  it('refuses a tiny VAE working in [0, 1], naming the greys it gave back', async () => {
    await expect(
      checkVae(
        fakeVae((v) => v * 0.5 + 0.5),
        64,
        32,
        { label: 'the tiny VAE', range: true },
      ),
    ).rejects.toThrow(
      'the tiny VAE does not work in the [-1, 1] pixel range the pipeline uses: greys -0.6 and 0.6 came back as 0.20 and 0.80',
    );
  });

  it('refuses NaN, naming the fp16 fix', async () => {
    await expect(
      checkVae(
        fakeVae(() => NaN),
        64,
        32,
        { label: 'the sdxl-turbo VAE', range: false },
      ),
    ).rejects.toThrow(/the sdxl-turbo VAE decodes to NaN: an fp16 SDXL VAE overflows unless it is the fp16-fix one/);
  });
});

/** The tiny model with a decoder that divides by zero: every decoded value infinite, as an overflowing VAE. */
async function overflowingModel(): Promise<DiffusionModel> {
  const dir = await tempDir();
  await cp(await writeTinyModel(), dir, { recursive: true });
  const g = new GraphBuilder('overflow');
  const latent = g.input('latent_sample', 'float', [1, 4, 'h', 'w']);
  const ints = (name: string, v: number) => g.int64s(name, [v]);
  const rgb = g.op('Slice', [latent, ints('s', 0), ints('e', 3), ints('a', 1)]);
  const up = g.op('Resize', [rgb, '', g.floats('scales', [4], [1, 1, 8, 8])], { mode: 'nearest' });
  g.output(g.op('Div', [up, g.scalar(0)]), 'sample', 'float', [1, 3, 'H', 'W']);
  await writeFile(join(dir, 'vae_decoder', 'model.onnx'), g.toBytes());
  const files = tinyModelFiles(dir);
  return DiffusionModel.open(cpu, files, new Timings());
}

describe('first decoded frame', () => {
  it.each(['host', 'device'])('the %s engine says NaN from the decoder is the VAE, not a black frame', async (kind) => {
    const model = await overflowingModel();
    const engine: FrameEngine =
      kind === 'host'
        ? new HostEngine(model, 64, 64, new Timings())
        : new DeviceEngine(cpu, model, 64, 64, new Timings());
    try {
      await engine.reset(stagesFor([0]), new NoiseBank(4 * 64, 1, 3).stages);
      const positive = await model.prompts.encode('a forest');
      await expect(engine.render(plainRequest(positive))).rejects.toThrow(/the VAE decoder decodes to NaN/);
    } finally {
      await engine.release();
      await model.release();
    }
  });
});
