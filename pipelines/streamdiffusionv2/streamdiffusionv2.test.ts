import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import type { ArVideoPipeline } from '../ar-video/ar-pipeline';
import { diff, flat, loadPipeline, paramsOf, renderFrame } from '../ar-video/test-support';
import { streamDiffusionV2, streamDiffusionV2Spec } from './streamdiffusionv2';

const runtime = new OrtRuntime({ intraOpThreads: 1, device: 'cpu' });
const loaded: ArVideoPipeline[] = [];
afterAll(async () => {
  for (const p of loaded) await p.unload();
  await runtime.close();
});

async function load(overrides: Record<string, string | number | boolean> = {}) {
  const params = paramsOf(streamDiffusionV2, { source: 'none', noiseController: false, ...overrides });
  const p = await loadPipeline(streamDiffusionV2Spec, params, runtime);
  loaded.push(p);
  return { p, params };
}

describe('streamdiffusionv2 pipeline', () => {
  it('declares that it takes video input', () => {
    expect(streamDiffusionV2.takesInput).toBe(true);
  });

  it('restyles the frames it is given: one block per 4 input frames, the first from 1 frame', async () => {
    const { p, params } = await load();
    const stream = p.arStream!;
    const first = await renderFrame(p, params, 0, flat(0));
    expect(stream.blockCount).toBe(1);
    // The next chunk needs 4 frames: meanwhile the last frame is shown again.
    for (let i = 1; i < 4; i++) expect(await renderFrame(p, params, i, flat(0))).toBe(first);
    await renderFrame(p, params, 4, flat(0));
    expect(stream.blockCount).toBe(2);
    expect(stream.cache.policy.position).toBe(2);
  });

  it('a bright input gives a brighter picture than a dark one, from the same noise', async () => {
    const dark = await load();
    const bright = await load();
    const a = await renderFrame(dark.p, dark.params, 0, flat(20));
    const b = await renderFrame(bright.p, bright.params, 0, flat(235));
    const mean = (img: { data: Uint8Array }) => img.data.reduce((s, v) => s + v, 0) / img.data.length;
    expect(mean(b) - mean(a)).toBeGreaterThan(20);
  });

  it('more noise moves the picture further from the input', async () => {
    const low = await load({ noiseScale: 0.2 });
    const high = await load({ noiseScale: 0.95 });
    const input = flat(128);
    const a = await renderFrame(low.p, low.params, 0, input);
    const b = await renderFrame(high.p, high.params, 0, input);
    expect(diff(b, input)).toBeGreaterThan(diff(a, input));
  });

  it('without an input it restyles its own source, which moves', async () => {
    const { p, params } = await load({ source: 'neural-field' });
    const frames = [];
    for (let i = 0; i < 9; i++) frames.push(await renderFrame(p, params, i));
    expect(p.arStream!.blockCount).toBe(3);
    expect(diff(frames[0]!, frames[8]!)).toBeGreaterThan(0);
  });
});
