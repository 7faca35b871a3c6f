import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { OrtRuntime } from '../ort';
import { FP16_TOLERANCE, maxRelativeError, pattern, runOnCpu } from './cpu-run';
import { prepareModel } from './lowered-cache';
import { decodeModel, encodeModel } from './onnx-model';
import { padConvChannels, paddableConvs, wrongConvChannels } from './pad-conv-channels';

/** x [1, C, 16, 16] -> Conv 3x3 (stride 1 or 2, padded, with a bias) to 8 channels. */
function convGraph(c: number, { stride = 1, group = 1 } = {}): Uint8Array {
  const g = new GraphBuilder(`conv_${c}`);
  const x = g.input('x', 'float', [1, c, 16, 16]);
  const w = g.floats('w', [8, c / group, 3, 3], pattern((8 * c * 9) / group, c));
  const b = g.floats('b', [8], pattern(8, 99));
  const y = g.op('Conv', [x, w, b], { strides: [stride, stride], pads: [1, 1, 1, 1], group: { int: group } });
  const side = stride === 1 ? 16 : 8;
  g.output(y, 'y', 'float', [1, 8, side, side]);
  return g.toBytes();
}
const feeds = (c: number) => ({ x: { dims: [1, c, 16, 16], data: pattern(c * 256, 7) } });

const webgpu = new OrtRuntime({ device: 'webgpu' });
afterAll(() => webgpu.close());

async function onWebgpu(model: Uint8Array | string, c: number): Promise<Float32Array> {
  const session = await webgpu.createSession(model);
  try {
    const { x } = feeds(c);
    return (await session.run({ x: { type: 'float32', ...x } })).y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('Conv input channels padded to a multiple of 4 on WebGPU', () => {
  it('onnxruntime 1.30 on WebGPU (lavapipe) gets a 15- and a 6-channel Conv wrong without the pass', async () => {
    expect((await webgpu.provider()).provider).toBe('webgpu');
    for (const c of [15, 6]) {
      const want = await runOnCpu(convGraph(c), feeds(c));
      // Far beyond rounding: the bug this pass works around (if onnxruntime fixes it, this fails: drop the pass).
      expect(maxRelativeError(await onWebgpu(convGraph(c), c), want)).toBeGreaterThan(0.05);
    }
  });

  it('with the pass the same Convs match the CPU provider, at stride 1 and 2', async () => {
    for (const [c, stride] of [
      [15, 1],
      [15, 2],
      [6, 1],
      [9, 2],
    ] as const) {
      const plain = convGraph(c, { stride });
      const padded = encodeModel(padConvChannels(decodeModel(plain)));
      const want = await runOnCpu(plain, feeds(c));
      expect(want.some((v) => Math.abs(v) > 1e-3)).toBe(true);
      expect(maxRelativeError(await onWebgpu(padded, c), want)).toBeLessThan(FP16_TOLERANCE);
      // Zero channels change no sum: on the CPU the padded graph gives the same numbers too (float32 rounding).
      expect(maxRelativeError(await runOnCpu(padded, feeds(c)), want)).toBeLessThan(1e-5);
    }
  });

  it('pads only the channel counts that are wrong, and never a grouped Conv', () => {
    expect([3, 4, 6, 9, 12, 15, 16, 24, 27, 33].filter(wrongConvChannels)).toEqual([6, 9, 15, 27, 33]);
    const found = (bytes: Uint8Array) => paddableConvs(decodeModel(bytes)).map((p) => p.channels);
    expect(found(convGraph(15))).toEqual([15]);
    expect(found(convGraph(12))).toEqual([]);
    expect(found(convGraph(3))).toEqual([]);
    expect(found(convGraph(15, { group: 3 }))).toEqual([]);
    const padded = padConvChannels(decodeModel(convGraph(15))).graph!.node!;
    expect(padded.map((n) => n.opType).slice(0, 3)).toEqual(['Pad', 'Pad', 'Conv']);
    expect(padded[2]!.input!.slice(0, 2)).toEqual(
      padded
        .slice(0, 2)
        .map((n) => n.output![0])
        .reverse(),
    );
  });

  describe('at load (prepareModel)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'pad-conv-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it("a user's file with a 15-channel Conv is padded for WebGPU and runs right; on the CPU it opens as it is", async () => {
      const file = join(dir, 'rife-like.onnx');
      await writeFile(file, convGraph(15));
      const prepared = await prepareModel(file, 'webgpu', { projectVersion: '1.0.0', fusions: {} });
      expect(prepared.lowered).toBe(true);
      const want = await runOnCpu(file, feeds(15));
      expect(maxRelativeError(await onWebgpu(prepared.path, 15), want)).toBeLessThan(FP16_TOLERANCE);
      expect(await prepareModel(file, 'cpu', { projectVersion: '1.0.0' })).toMatchObject({
        path: file,
        lowered: false,
      });
      const fine = join(dir, 'twelve.onnx');
      await writeFile(fine, convGraph(12));
      expect(await prepareModel(fine, 'webgpu', { projectVersion: '1.0.0' })).toMatchObject({
        path: fine,
        lowered: false,
      });
    });
  });
});
