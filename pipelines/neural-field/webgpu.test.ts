import { afterAll, describe, expect, it } from 'vitest';
import type { Image } from '../../src/engine/frame';
import type { ParamSnapshot } from '../../src/engine/pipeline';
import { snapshotOf } from '../../src/engine/snapshot';
import type { ParamValue } from '../../src/params/spec';
import { OrtRuntime } from '../../src/runtime/ort';
import { describeFallbacks, nodePlacement, ortProviderName } from '../../src/runtime/placement';
import { FrameInputs } from './frame-inputs';
import { buildFieldNet } from './graph';
import { fieldFeeds, fieldNetOptions, LATENT_SIZE, neuralField } from './neural-field';

// CI runs these on Mesa's lavapipe; a machine without a WebGPU adapter fails them (see the first test).
const webgpu = new OrtRuntime({ device: 'webgpu' });
const cpu = new OrtRuntime({ device: 'cpu' });
afterAll(async () => Promise.all([webgpu.close(), cpu.close()]));

function paramsOf(overrides: Record<string, ParamValue>, width: number, height: number) {
  return snapshotOf(neuralField.params, { width, height }, overrides);
}

async function frame(
  runtime: OrtRuntime,
  params: ParamSnapshot<typeof neuralField.params>,
  time: number,
): Promise<Image> {
  const pipeline = neuralField.create();
  const { width, height } = params;
  const noop = () => {};
  await pipeline.load({
    width,
    height,
    params,
    runtime,
    progress: noop,
    signal: new AbortController().signal,
    log: noop,
  });
  try {
    return await pipeline.render({ time, dt: 1 / 30, frameIndex: 0, width, height }, params);
  } finally {
    await pipeline.unload();
  }
}

const cases: [string, Record<string, ParamValue>, number, number][] = [
  ['default, upscaled from the half-size grid', {}, 160, 90],
  ['kaleidoscope, deep net, full-size grid', { symmetry: 'kaleido-6', layers: 6, units: 24, renderScale: 1 }, 96, 64],
];

describe('neural-field on WebGPU', () => {
  it('gets a WebGPU adapter (no adapter here is a failure, not a skip)', async () => {
    const choice = await webgpu.provider();
    expect(choice.provider, choice.reason).toBe('webgpu');
  });

  it.each(cases)('runs every node on WebGPU: %s', async (_name, overrides, width, height) => {
    const params = paramsOf(overrides, width, height);
    const inputs = new FrameInputs(params.seed, LATENT_SIZE);
    inputs.update(1.5, params);
    const placements = await nodePlacement(
      webgpu,
      buildFieldNet(fieldNetOptions(width, height, params)),
      fieldFeeds(inputs),
    );
    expect(placements.length).toBeGreaterThan(20);
    expect(describeFallbacks(placements, ortProviderName.webgpu!)).toBe('');
  });

  it.each(cases)('draws within one 8-bit level of the CPU provider: %s', async (_name, overrides, width, height) => {
    const params = paramsOf(overrides, width, height);
    const [a, b] = [await frame(cpu, params, 2.5), await frame(webgpu, params, 2.5)];
    let worst = 0;
    let sum = 0;
    for (let i = 0; i < a.data.length; i++) {
      worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
      sum += a.data[i]!;
    }
    expect(worst).toBeLessThanOrEqual(1);
    // A frame with structure, not a flat colour that would match anything.
    expect(sum / a.data.length).toBeGreaterThan(20);
    expect(sum / a.data.length).toBeLessThan(235);
  });

  it('brings one frame to the host per render and nothing else', async () => {
    const params = paramsOf({}, 128, 72);
    const before = webgpu.transfers();
    await frame(webgpu, params, 1);
    const after = webgpu.transfers();
    expect(after.toHostCopies - before.toHostCopies).toBe(1);
    expect(after.toHostBytes - before.toHostBytes).toBe(128 * 72 * 4);
  });
});
