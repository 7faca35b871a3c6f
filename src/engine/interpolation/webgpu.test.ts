import { afterAll, describe, expect, it } from 'vitest';
import { OnnxInterpolator, toPlanar } from './onnx-interpolator';
import { buildRifeGraph, tinyChannels } from './rife-graph';
import { OrtRuntime } from '../../runtime/ort';
import { describeFallbacks, nodePlacement, ortProviderName } from '../../runtime/placement';
import type { Image } from '../frame';

// CI runs these on Mesa's lavapipe, as the neural-field's WebGPU tests; no adapter here is a failure, not a skip.
const webgpu = new OrtRuntime({ device: 'webgpu' });
const cpu = new OrtRuntime({ device: 'cpu' });
afterAll(async () => Promise.all([webgpu.close(), cpu.close()]));

const W = 64;
const H = 32;

function picture(seed: number): Image {
  const data = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    data[i * 4] = (i * 5 + seed * 40) % 256;
    data[i * 4 + 1] = ((i % W) * 4 + seed * 9) % 256;
    data[i * 4 + 2] = ((i >> 6) * 8 + seed * 77) % 256;
    data[i * 4 + 3] = 255;
  }
  return { data, width: W, height: H };
}

describe('the interpolation graph on WebGPU', () => {
  it('gets a WebGPU adapter', async () => {
    const choice = await webgpu.provider();
    expect(choice.provider, choice.reason).toBe('webgpu');
  });

  it('runs every node on WebGPU, GridSample and Resize included', async () => {
    const [a, b] = [picture(1), picture(2)];
    const dims = [1, 3, H, W];
    const placements = await nodePlacement(
      webgpu,
      buildRifeGraph({ seed: 2, width: W, height: H, channels: tinyChannels }),
      {
        img0: { type: 'float32', dims, data: toPlanar(a) },
        img1: { type: 'float32', dims, data: toPlanar(b) },
        timestep: { type: 'float32', dims: [1, 1, H, W], data: new Float32Array(W * H).fill(0.5) },
      },
    );
    expect(placements.some((p) => p.op === 'GridSample')).toBe(true);
    expect(describeFallbacks(placements, ortProviderName.webgpu!)).toBe('');
  });

  it('makes the same in-between frames as the CPU provider, within two 8-bit levels', async () => {
    const [a, b] = [picture(1), picture(2)];
    const onGpu = new OnnxInterpolator({ runtime: webgpu, model: 'tiny', seed: 2 });
    const onCpu = new OnnxInterpolator({ runtime: cpu, model: 'tiny', seed: 2 });
    const [x, y] = [await onGpu.between(a, b, [0.25, 0.5]), await onCpu.between(a, b, [0.25, 0.5])];
    let worst = 0;
    for (let f = 0; f < 2; f++) {
      for (let i = 0; i < x[f]!.data.length; i++) worst = Math.max(worst, Math.abs(x[f]!.data[i]! - y[f]!.data[i]!));
    }
    expect(worst).toBeLessThanOrEqual(2);
    await Promise.all([onGpu.close(), onCpu.close()]);
  });
});
