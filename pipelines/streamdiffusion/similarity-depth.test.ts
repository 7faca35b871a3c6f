/**
 * The similarity filter in the throughput loop (pipelineDepth 2): a skipped frame shows the frame issued just
 * before it, which at depth 2 is still in flight when the skip is decided; never an older one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Image } from '../../src/engine/frame';
import type { InFlightFrame } from '../../src/engine/pipeline';
import { OrtRuntime } from '../../src/runtime/ort';
import { loadForTest } from '../shared/test-load';
import { StreamDiffusionPipeline } from './streamdiffusion';
import { tinyParams } from './test-params';

const runtime = new OrtRuntime({ intraOpThreads: 1, worker: false });
const pipeline = new StreamDiffusionPipeline();
afterAll(async () => {
  await pipeline.unload();
  await runtime.close();
});

/** A still camera: the same picture every frame. */
const still: Image = {
  width: 64,
  height: 64,
  data: Uint8Array.from({ length: 64 * 64 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 251)),
};

describe('similarity filter at depth 2', () => {
  it('a still input shows the newest frame again, never one already replaced (no flicker between two)', async () => {
    // Threshold 1: an identical input is always skipped (after the frames the stream needs to fill).
    const params = tinyParams({
      mode: 'img2img',
      tIndexList: '10,25,40',
      similarityFilter: true,
      similarityThreshold: 1,
      maxSkipFrames: 100,
    });
    await loadForTest(pipeline, params, runtime, []);
    let frame = 0;
    const issue = () =>
      pipeline.issue({ time: frame / 30, dt: 0, frameIndex: frame++, width: 64, height: 64 }, params, still);
    // The throughput loop: frame n+1 issued before frame n is read.
    const shown: Uint8Array[] = [];
    let held: InFlightFrame = await issue();
    for (let i = 0; i < 5; i++) {
      const next = await issue();
      shown.push((await held.collect()).data);
      held = next;
    }
    shown.push((await held.collect()).data);
    // Two frames were rendered (the first, then the one issued before any was read), then every one was skipped.
    expect(shown[1]).not.toEqual(shown[0]);
    for (const later of shown.slice(2)) expect(later).toEqual(shown[1]);
  });
});
