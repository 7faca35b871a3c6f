import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import { checkProviders } from './provider-check';
import { writeTinyExport } from './tiny/write';
import type { TinyExportOptions } from './tiny/write';

const cpu = new OrtRuntime({ intraOpThreads: 1, device: 'cpu' });
const gpu = new OrtRuntime({ device: 'webgpu' });
afterAll(async () => {
  await cpu.close();
  await gpu.close();
});

const longlive: TinyExportOptions = {
  model: 'tiny-longlive',
  cache: { sinkFrames: 3, windowFrames: 12, blockFrames: 3 },
  schedule: { shift: 5, warp: true, steps: [1000, 750] },
  width: 64,
  height: 32,
};

describe('ar-video provider check', () => {
  it('the tiny export gives the same frames on WebGPU as on the CPU (its values are exact on any provider)', async () => {
    const dir = await writeTinyExport(longlive);
    const r = await checkProviders({ dir, runtime: cpu }, { dir, runtime: gpu }, { blocks: 2 });
    expect(r.providers).toEqual(['cpu', 'webgpu']);
    expect(r.blocks.map((b) => b.relative)).toEqual([0, 0]);
    expect(r.ok).toBe(true);
  });

  it('video exports too, in the per-step mode', async () => {
    const dir = await writeTinyExport({
      ...longlive,
      model: 'tiny-sdv2',
      cache: { sinkFrames: 3, windowFrames: 6, blockFrames: 1 },
      schedule: { shift: 8, warp: false, steps: [700, 500] },
    });
    const r = await checkProviders(
      { dir, runtime: cpu },
      { dir, runtime: gpu },
      { blocks: 3, commit: 'per-step' },
      true,
    );
    expect(r.blocks.every((b) => b.relative === 0 && b.finite)).toBe(true);
  });

  it('two exports that compute differently fail the check, with the size of the difference', async () => {
    const dir = await writeTinyExport(longlive);
    // Another export of the same shapes whose schedule differs stands in for a float16 export that drifts.
    const other = await writeTinyExport({
      ...longlive,
      model: 'tiny-longlive-shift3',
      schedule: { shift: 3, warp: true, steps: [1000, 750] },
    });
    const r = await checkProviders({ dir, runtime: cpu }, { dir: other, runtime: cpu }, { blocks: 2 });
    expect(r.ok).toBe(false);
    expect(r.blocks[0]!.relative).toBeGreaterThan(0.02);
    expect(r.blocks[0]!.finite).toBe(true);
  });
});
