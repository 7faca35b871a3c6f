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

  it('restyles the frames it is given: the first block from 1 + 4 frames (2 latent frames), then one per 4', async () => {
    const { p, params } = await load();
    const stream = p.arStream!;
    // Upstream's first chunk is 1 + 4 frames: until they are in, nothing is generated.
    for (let i = 0; i < 4; i++) await renderFrame(p, params, i, flat(0));
    expect(stream.blockCount).toBe(0);
    const first = await renderFrame(p, params, 4, flat(0));
    expect(stream.blockCount).toBe(1);
    expect(stream.cache.policy.position).toBe(2);
    // 1 + 4 frames decoded and played one per render; the next block comes when they are shown.
    expect(p.queued).toBe(4);
    for (let i = 5; i < 9; i++) await renderFrame(p, params, i, flat(0));
    expect(stream.blockCount).toBe(1);
    await renderFrame(p, params, 9, flat(0));
    expect(stream.blockCount).toBe(2);
    expect(stream.cache.policy.position).toBe(3);
    expect(first).toMatchObject({ width: 64, height: 32 });
  });

  it('keeps one K/V cache per denoising step by default (upstream’s stream batch), its memory that many times', async () => {
    const logs: string[] = [];
    const params = paramsOf(streamDiffusionV2, { source: 'none', noiseController: false });
    const p = await loadPipeline(streamDiffusionV2Spec, params, runtime, { prefetch: false }, logs);
    loaded.push(p);
    expect(params.commit).toBe('per-step');
    for (let i = 0; i < 9; i++) await renderFrame(p, params, i, flat(40));
    expect(p.arStream!.cache.bankCount).toBe(2);
    expect(logs.join('\n')).toMatch(/GiB of K\/V per bank; per-step keeps 2: /);
  });

  it('a prompt cut starts the stream afresh, first chunk included (as upstream’s demo starts a new session)', async () => {
    const { p, params } = await load({ transition: 0 });
    const stream = p.arStream!;
    for (let i = 0; i < 10; i++) await renderFrame(p, params, i, flat(60));
    expect(stream.blockCount).toBe(2);
    const cut = { ...params, prompt: 'charcoal sketch' };
    const positions: number[] = [];
    for (let i = 10; i < 24; i++) {
      await renderFrame(p, cut, i, flat(60));
      positions.push(stream.cache.policy.position);
    }
    // The cut's block is a first chunk again: 2 latent frames at positions 0 and 1; then one frame per block.
    const k = positions.indexOf(2);
    expect(k).toBeGreaterThan(0);
    expect(positions.slice(0, k)).toEqual(new Array<number>(k).fill(3));
    expect(positions[positions.length - 1]).toBeGreaterThan(2);
  });

  it('a bright input gives a brighter picture than a dark one, from the same noise', async () => {
    const dark = await load();
    const bright = await load();
    let a = await renderFrame(dark.p, dark.params, 0, flat(20));
    let b = await renderFrame(bright.p, bright.params, 0, flat(235));
    for (let i = 1; i < 5; i++) {
      a = await renderFrame(dark.p, dark.params, i, flat(20));
      b = await renderFrame(bright.p, bright.params, i, flat(235));
    }
    const mean = (img: { data: Uint8Array }) => img.data.reduce((s, v) => s + v, 0) / img.data.length;
    expect(mean(b) - mean(a)).toBeGreaterThan(20);
  });

  it('more noise moves the picture further from the input', async () => {
    const low = await load({ noiseScale: 0.2 });
    const high = await load({ noiseScale: 0.95 });
    const input = flat(128);
    let a = input;
    let b = input;
    for (let i = 0; i < 5; i++) {
      a = await renderFrame(low.p, low.params, i, input);
      b = await renderFrame(high.p, high.params, i, input);
    }
    expect(diff(b, input)).toBeGreaterThan(diff(a, input));
  });

  it('without an input it restyles its own source, which moves', async () => {
    const { p, params } = await load({ source: 'neural-field' });
    const frames = [];
    for (let i = 0; i < 10; i++) frames.push(await renderFrame(p, params, i));
    expect(p.arStream!.blockCount).toBe(2);
    expect(diff(frames[4]!, frames[9]!)).toBeGreaterThan(0);
  });
});
