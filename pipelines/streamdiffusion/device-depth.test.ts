/**
 * The device engine in the throughput loop: frame n+1 issued (its networks queued, its decoded image kept on the
 * device) before frame n is read back, on the CPU provider and on WebGPU (lavapipe here and in CI).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import type { InFlightFrame } from '../../src/engine/pipeline';
import { DeviceEngine } from './device-engine';
import { DiffusionModel } from './diffusion-model';
import type { FrameRequest } from './host-engine';
import { plainRequest } from './test-frame-request';
import { NoiseBank } from '../shared/noise';
import { stagesFor } from './schedule';
import { Timings } from '../shared/timings';
import { tinyModelFiles } from './models';
import { writeTinyModel } from './tiny/write';

const SIZE = 64;
const cpu = new OrtRuntime({ device: 'cpu', intraOpThreads: 1 });
const webgpu = new OrtRuntime({ device: 'webgpu' });
const models: DiffusionModel[] = [];
afterAll(async () => {
  await Promise.allSettled(models.map((m) => m.release()));
  await Promise.all([cpu.close(), webgpu.close()]);
});

async function engineOn(runtime: OrtRuntime): Promise<{ engine: DeviceEngine; req: FrameRequest }> {
  const files = tinyModelFiles(await writeTinyModel({}));
  const model = await DiffusionModel.open(runtime, files, new Timings(), () => {});
  models.push(model);
  const engine = new DeviceEngine(runtime, model, SIZE, SIZE, new Timings());
  await engine.reset(stagesFor([10, 25, 40]), new NoiseBank(4 * 64, 3, 7).stages);
  const positive = await model.prompts.encode('a lighthouse at night');
  const req = plainRequest(positive);
  return { engine, req };
}

describe.each([
  ['CPU provider', cpu],
  ['WebGPU', webgpu],
])('device engine, frames issued ahead of their read (%s)', (_name, runtime) => {
  it('draws the same frames in the same order as rendering each whole, and holds one decoded image more', async () => {
    const whole = await engineOn(runtime);
    const expected: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) expected.push((await whole.engine.render(whole.req)).data);
    await whole.engine.release();

    const ahead = await engineOn(runtime);
    const shown: Uint8Array[] = [];
    let held: InFlightFrame = await ahead.engine.issue(ahead.req);
    const baseline = runtime.handleStats().count;
    for (let i = 1; i < 5; i++) {
      const next = await ahead.engine.issue(ahead.req);
      // Two decoded images on the device: the one about to be read and the one issued after it.
      expect(runtime.handleStats().count).toBe(baseline + 1);
      shown.push((await held.collect()).data);
      held = next;
    }
    shown.push((await held.collect()).data);
    expect(shown).toEqual(expected);
    // Every decoded image was released once read.
    expect(runtime.handleStats().count).toBe(baseline - 1);
    await ahead.engine.release();
  });

  it('releases a dropped frame unread', async () => {
    const { engine, req } = await engineOn(runtime);
    await (await engine.issue(req)).collect();
    const baseline = runtime.handleStats().count;
    const before = runtime.transfers().toHostCopies;
    const frame = await engine.issue(req);
    expect(runtime.handleStats().count).toBe(baseline + 1);
    await frame.drop();
    expect(runtime.handleStats().count).toBe(baseline);
    expect(runtime.transfers().toHostCopies).toBe(before);
    await engine.release();
  });
});
