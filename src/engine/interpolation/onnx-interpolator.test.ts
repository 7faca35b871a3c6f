import { afterAll, describe, expect, it } from 'vitest';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxInterpolator, fromPlanar, toPlanar } from './onnx-interpolator';
import { blendImages } from '../image-blend';
import { GraphBuilder } from '../../runtime/graph-builder';
import { OrtRuntime } from '../../runtime/ort';
import type { Image } from '../frame';

const runtime = new OrtRuntime({ intraOpThreads: 1 });
afterAll(() => runtime.close());

const W = 32;
const H = 16;

/** An image whose channels vary across it, so a warp or a wrong layout would show. */
function picture(seed: number): Image {
  const data = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    data[i * 4] = (i * 7 + seed * 31) % 256;
    data[i * 4 + 1] = (i * 3 + seed * 101) % 256;
    data[i * 4 + 2] = ((i >> 5) * 16 + seed * 57) % 256;
    data[i * 4 + 3] = 255;
  }
  return { data, width: W, height: H };
}

const maxDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('OnnxInterpolator (the tiny RIFE-class graph on the CPU)', () => {
  it('with a zero flow head (no flow, mask 0) the in-between frame is the 50/50 blend of its neighbours', async () => {
    const interp = new OnnxInterpolator({ runtime, model: 'tiny', zeroHead: true });
    const [a, b] = [picture(1), picture(2)];
    const [mid] = await interp.between(a, b, [0.5]);
    expect([mid!.width, mid!.height]).toEqual([W, H]);
    // Closed form: with zero flow GridSample is the identity and sigmoid(0) = 1/2; within one level of rounding.
    expect(maxDiff(mid!.data, blendImages(a, b, 0.5).data)).toBeLessThanOrEqual(1);
    // Every channel of every pixel lies between its neighbours' values.
    const between = mid!.data.every(
      (v, i) => v >= Math.min(a.data[i]!, b.data[i]!) - 1 && v <= Math.max(a.data[i]!, b.data[i]!) + 1,
    );
    expect(between).toBe(true);
    await interp.close();
  });

  it('with random weights it warps: frames differ from the blend, stay opaque, and one per time comes back', async () => {
    const interp = new OnnxInterpolator({ runtime, model: 'tiny', seed: 3 });
    const [a, b] = [picture(1), picture(2)];
    const frames = await interp.between(a, b, [0.25, 0.5, 0.75]);
    expect(frames).toHaveLength(3);
    expect(maxDiff(frames[1]!.data, blendImages(a, b, 0.5).data)).toBeGreaterThan(1);
    expect(frames.every((f) => f.data.every((v, i) => i % 4 !== 3 || v === 255))).toBe(true);
    // The timestep is an input: different times give different frames.
    expect(maxDiff(frames[0]!.data, frames[2]!.data)).toBeGreaterThan(0);
    await interp.close();
  });

  it('a file that is not an interpolation graph is refused with a sentence, once, and the call throws', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interp-'));
    const graph = async (name: string, inputs: string[]) => {
      const g = new GraphBuilder(name);
      const sum = g.op(
        'Sum',
        inputs.map((i) => g.input(i, 'float', [1])),
      );
      g.output(sum, 'output', 'float', [1]);
      const path = join(dir, `${name}.onnx`);
      await writeFile(path, g.toBytes());
      return path;
    };
    const logs: string[] = [];
    const twoInputs = new OnnxInterpolator({
      runtime,
      model: { path: await graph('two', ['img0', 'x']) },
      log: (m) => logs.push(m),
    });
    await expect(twoInputs.between(picture(1), picture(2), [0.5])).rejects.toThrow(
      'the graph lacks the inputs img1, timestep',
    );
    await expect(twoInputs.between(picture(1), picture(2), [0.5])).rejects.toThrow();
    expect(logs).toEqual([
      'frame interpolation is a crossfade: the interpolation graph did not load (the graph lacks the inputs img1, timestep)',
    ]);
    const oneInput = new OnnxInterpolator({ runtime, model: { path: await graph('one', ['x']) } });
    await expect(oneInput.between(picture(1), picture(2), [0.5])).rejects.toThrow(
      'its one input x is not [1,7,H,W] (img0, img1, timestep)',
    );
  });

  it('planar conversion round-trips RGB and clamps out-of-range values instead of wrapping', () => {
    const a = picture(5);
    const back = fromPlanar(toPlanar(a), W, H);
    expect(maxDiff(back.data, a.data)).toBe(0);
    const over = fromPlanar(new Float32Array(3 * W * H).fill(1.02), W, H);
    expect(over.data[0]).toBe(255);
    const under = fromPlanar(new Float32Array(3 * W * H).fill(-0.1), W, H);
    expect(under.data[0]).toBe(0);
  });
});
