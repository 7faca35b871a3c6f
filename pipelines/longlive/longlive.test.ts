import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import type { ArVideoPipeline } from '../ar-video/ar-pipeline';
import { diff, loadPipeline, paramsOf, renderFrame } from '../ar-video/test-support';
import { longlive, longliveSpec } from './longlive';

const runtime = new OrtRuntime({ intraOpThreads: 1, device: 'cpu' });
const loaded: ArVideoPipeline[] = [];
afterAll(async () => {
  for (const p of loaded) await p.unload();
  await runtime.close();
});

async function load(overrides: Record<string, string | number | boolean> = {}) {
  const params = paramsOf(longlive, overrides);
  const p = await loadPipeline(longliveSpec, params, runtime);
  loaded.push(p);
  return { p, params };
}

describe('longlive pipeline', () => {
  it('without the export it fails with what to export, how big, and the command', async () => {
    const models = await mkdtemp(join(tmpdir(), 'longlive-models-'));
    try {
      const params = paramsOf(longlive, { model: 'longlive-1.3b' });
      await expect(loadPipeline(longliveSpec, params, runtime, { prefetch: false, modelsDir: models })).rejects.toThrow(
        /^longlive needs the longlive-1\.3b export \(≈14\.\d GB\) in .*exports\/longlive-1\.3b: on a machine with an NVIDIA GPU and the upstream checkpoints run `python tools\/ar-video-export\/export\.py longlive --out .*` \(docs\/ar-video\.md\), or choose model "tiny" \(missing: contract\.json, block\.onnx, block\.onnx\.data and \d+ more\)$/,
      );
    } finally {
      await rm(models, { recursive: true, force: true });
    }
  });

  it('plays a block as frames, one per render: 9 from the first block (the decoder trims 3), then 12', async () => {
    const { p, params } = await load({ steps: '1000,750', transition: 0 });
    const stream = p.arStream!;
    // Loading ran one warm-up block (then reset the stream).
    const warmUp = stream.runner.forwards;
    const frames = [];
    for (let i = 0; i < 9; i++) frames.push(await renderFrame(p, params, i));
    expect(stream.blockCount).toBe(1);
    expect(p.queued).toBe(0);
    frames.push(await renderFrame(p, params, 9));
    expect(stream.blockCount).toBe(2);
    expect(p.queued).toBe(11);
    expect(frames[0]).toMatchObject({ width: 64, height: 32 });
    expect(diff(frames[0]!, frames[9]!)).toBeGreaterThan(0);
    // 2 steps and a clean pass per block.
    expect(stream.runner.forwards - warmUp).toBe(6);
  });

  it('a prompt cut re-runs the rolling frames (one forward), a transition does not; the text encoder runs once per prompt', async () => {
    const { p, params } = await load({ steps: '1000', transition: 0 });
    const stream = p.arStream!;
    for (let i = 0; i < 9 + 12 + 12; i++) await renderFrame(p, params, i);
    expect(stream.blockCount).toBe(3);
    const before = stream.runner.forwards;
    const cut = { ...params, prompt: 'a red cat in the city' };
    for (let i = 0; i < 12; i++) await renderFrame(p, cut, 100 + i);
    // One block (step + clean pass) and one recache forward over the six rolling frames.
    expect(stream.runner.forwards - before).toBe(3);
    expect(p.arStream!.model.text!.runs).toBe(2);
    const soft = { ...cut, prompt: 'the blue sea', transition: 2 };
    const mark = stream.runner.forwards;
    for (let i = 0; i < 12; i++) await renderFrame(p, soft, 200 + i);
    expect(stream.runner.forwards - mark).toBe(2);
  });

  it('reset and a changed step list start the video afresh at position 0', async () => {
    const { p, params } = await load({ steps: '1000,750' });
    const stream = p.arStream!;
    for (let i = 0; i < 21; i++) await renderFrame(p, params, i);
    expect(stream.cache.policy.position).toBe(6);
    await renderFrame(p, { ...params, resetCache: true }, 21);
    expect(stream.cache.policy.position).toBe(3);
    for (let i = 0; i < 12; i++) await renderFrame(p, { ...params, steps: '1000,500' }, 30 + i);
    expect(stream.cache.policy.position).toBe(3);
    expect(stream.blockCount).toBe(1);
    // A list being typed ("1000,") or invalid keeps the last valid one.
    for (let i = 0; i < 12; i++) await renderFrame(p, { ...params, steps: '1000,500,' }, 50 + i);
    expect(stream.blockCount).toBe(2);
  });

  it('the same seed gives the same video; another seed another one', async () => {
    const a = await load({ steps: '1000,750' });
    const b = await load({ steps: '1000,750' });
    const c = await load({ steps: '1000,750', seed: 7 });
    const fa = await renderFrame(a.p, a.params, 0);
    expect(diff(fa, await renderFrame(b.p, b.params, 0))).toBe(0);
    expect(diff(fa, await renderFrame(c.p, c.params, 0))).toBeGreaterThan(1);
  });
});
