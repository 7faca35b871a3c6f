import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import { rgbaToBgra, rgbaToI420, rgbaToUyvy } from '../../src/media/from-rgba';
import { mulberry32 } from '../../src/runtime/seeded-random';
import { buildFrameGraph, formatBytes } from './frame-graph';
import { tensorToImage } from '../shared/pixels';

const cpu = new OrtRuntime({ device: 'cpu', intraOpThreads: 1 });
// CI: lavapipe. No adapter fails the first WebGPU test.
const webgpu = new OrtRuntime({ device: 'webgpu' });
afterAll(() => Promise.all([cpu.close(), webgpu.close()]));

/** A decoder output in [-1.1, 1.1] (a little outside, as real decoders go) with smooth and noisy parts. */
function sample(width: number, height: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: 3 * width * height }, (_, i) =>
    Math.max(-1.1, Math.min(1.1, Math.sin(i * 0.013) * 0.8 + (random() - 0.5) * 0.6)),
  );
}

describe.each([
  ['CPU provider', cpu],
  ['WebGPU', webgpu],
])('the frame graph on %s makes what the host converters make, byte for byte', (_name, runtime) => {
  it('runs on the provider asked for', async () => {
    const choice = await runtime.provider();
    expect(choice.provider, choice.reason).toBe(runtime.options.device);
  });

  it.each([
    [64, 48],
    [34, 21],
    [128, 720],
  ])('%i×%i', async (width, height) => {
    const formats = width % 2 === 0 ? (['bgra', 'i420', 'uyvy'] as const) : (['bgra', 'i420'] as const);
    const session = await runtime.createSession(buildFrameGraph(width, height, false, formats), {
      hostOutputs: ['rgba', ...formats],
    });
    const x = sample(width, height, width + height);
    const out = await session.run({ sample: { type: 'float32', data: x, dims: [1, 3, height, width] } });
    await session.release();
    const rgba = out.rgba!.data as Uint8Array;
    // float32 here, double on the host: a value on a level boundary may land one level apart.
    const host = tensorToImage(x, width, height).data;
    expect(rgba.reduce((worst, v, i) => Math.max(worst, Math.abs(v - host[i]!)), 0)).toBeLessThanOrEqual(1);
    expect(out.bgra!.data).toEqual(rgbaToBgra(rgba, width, height));
    expect(out.i420!.data).toEqual(rgbaToI420(rgba, width, height));
    expect((out.i420!.data as Uint8Array).length).toBe(formatBytes('i420', width, height));
    if (width % 2 === 0) expect(out.uyvy!.data).toEqual(rgbaToUyvy(rgba, width, height));
  });
});
