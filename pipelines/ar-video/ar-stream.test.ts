import { afterAll, describe, expect, it, vi } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import { ArModel } from './ar-model';
import { ArStream } from './ar-stream';
import type { StreamOptions } from './ar-stream';
import { MASKED } from './cache-policy';
import { isHandle } from '../../src/runtime/tensor';
import { floatValues } from './device';
import { tinyTokens } from './tiny/block';
import { tinyDecode, tinyFlow } from './tiny/closed-form';
import { writeTinyExport } from './tiny/write';
import type { TinyExportOptions } from './tiny/write';

const runtime = new OrtRuntime({ intraOpThreads: 1, device: 'cpu' });
const opened: ArStream[] = [];
afterAll(async () => {
  for (const s of opened) {
    await s.close();
    await s.model.close();
  }
  await runtime.close();
});

const longlive: TinyExportOptions = {
  model: 'tiny-longlive',
  cache: { sinkFrames: 3, windowFrames: 12, blockFrames: 3 },
  schedule: { shift: 5, warp: true, steps: [1000, 750] },
  width: 64,
  height: 32,
};
const sdv2: TinyExportOptions = {
  model: 'tiny-sdv2',
  cache: { sinkFrames: 3, windowFrames: 6, blockFrames: 1 },
  schedule: { shift: 8, warp: false, steps: [700, 500] },
  width: 64,
  height: 32,
};
const limits: StreamOptions = { positionLimit: 1024, onLimit: 'reset', rewindTo: 0 };

async function open(o: TinyExportOptions, encoder = false, options = limits): Promise<ArStream> {
  const model = await ArModel.open(runtime, await writeTinyExport(o), { decoder: 'full', encoder });
  const stream = new ArStream(model, options);
  await stream.init();
  opened.push(stream);
  return stream;
}

const hidden = (first: number) => Float32Array.from({ length: 32 }, (_, i) => (i === 0 ? first : 0.125));

/** Every layer's cached K and V of a bank as the host sees them (the CPU provider keeps them in host memory). */
async function snapshot(stream: ArStream, bank = 0) {
  const feeds = stream.cache.feeds(bank);
  const layers = stream.model.config.layers;
  const read = async (name: string) => floatValues(await stream.model.device.read(feeds[name]!));
  const k: Float32Array[] = [];
  const v: Float32Array[] = [];
  for (let l = 0; l < layers; l++) {
    k.push(Float32Array.from(await read(`cache_k.${l}`)));
    v.push(Float32Array.from(await read(`cache_v.${l}`)));
  }
  return { k, v, bias: stream.cache.policy.bias() };
}

const f = Math.fround;

describe('ar-video stream on the tiny export', () => {
  it('text blocks: exact frames from the closed form, the cache rolling with its sinks, clean K/V at t = 0', async () => {
    const stream = await open(longlive);
    const c = stream.model.config;
    const shape = { ...c.latent, layers: 2, slots: 9, textLength: 8, textDim: 4 };
    const context = hidden(0.5);
    await stream.setConditioning({ hidden: context });
    const settings = { steps: [1000, 750], commit: 'clean' as const, seed: 3 };
    const steps = stream.steps(settings.steps);
    expect(steps.map((s) => s.timestep)).toEqual([1000, 937.5]);
    let previous = new Float32Array(4 * c.latent.height * c.latent.width);
    for (let b = 0; b < 5; b++) {
      const before = await snapshot(stream);
      const positions = [3 * b, 3 * b + 1, 3 * b + 2];
      // The closed form of the whole block: noise, x0 = x - σ·flow, re-noise, x0 again.
      let x = stream.noise(3, b, 0, 3);
      let x0 = new Float32Array(0);
      for (const [i, step] of steps.entries()) {
        if (i > 0) {
          const n = stream.noise(3, b, i, 3);
          x = x0.map((v, j) => f(f(v * f(1 - step.sigma)) + f(n[j]! * step.sigma)));
        }
        const flow = tinyFlow(shape, {
          latents: x,
          timesteps: [step.timestep, step.timestep, step.timestep],
          context,
          positions,
          bias: before.bias,
          cacheK: before.k,
          cacheV: before.v,
        });
        const xs = x;
        x0 = flow.map((g, j) => f(xs[j]! - f(g * f(step.sigma))));
      }
      const result = await stream.textBlock(settings);
      expect(result.positions).toEqual(positions);
      const plane = 4 * c.latent.height * c.latent.width;
      const expected: Float32Array[] = [];
      for (let i = 0; i < 3; i++) {
        const latent = x0.subarray(i * plane, (i + 1) * plane);
        const four = tinyDecode(c.latent, latent, previous);
        for (let j = 0; j < 4; j++) expected.push(four.subarray(j * 3 * 2048, (j + 1) * 3 * 2048));
        previous = Float32Array.from(latent);
      }
      // The tiny decoder, like TAEHV, drops the first 3 frames of the stream.
      expect(result.frames).toEqual(b === 0 ? expected.slice(3) : expected);
    }
    // After 5 blocks: sinks hold frames 0..2; the ring the last 6 frames; every K written by the clean pass.
    const after = await snapshot(stream);
    const T = tinyTokens(c.latent);
    const slotK = (l: number, s: number) => [after.k[l]![s * T * 2], after.k[l]![s * T * 2 + 1]];
    expect(Array.from({ length: 9 }, (_, s) => slotK(1, s))).toEqual(
      [0, 1, 2, 9, 10, 11, 12, 13, 14].map((p) => [p, 0]),
    );
    expect([...after.bias]).toEqual(new Array(9).fill(0));
  });

  it('last-step commit keeps the last step’s K/V; a prompt switch past the window re-runs 9 frames, not the sinks', async () => {
    const stream = await open(longlive);
    const T = tinyTokens(stream.model.config.latent);
    await stream.setConditioning({ hidden: hidden(0.5) });
    for (let b = 0; b < 7; b++) await stream.textBlock({ steps: [1000, 750], commit: 'last-step', seed: 1 });
    const slot = (x: Float32Array, s: number) => [x[s * T * 2], x[s * T * 2 + 1]];
    let cache = await snapshot(stream);
    expect(slot(cache.k[0]!, 0)).toEqual([0, 937.5 / 1024]);
    expect(slot(cache.v[1]!, 0)![0]).toBe(1.5);
    expect(stream.cache.policy.entries().map((e) => e?.position)).toEqual([0, 1, 2, 15, 16, 17, 18, 19, 20]);

    const forwards = stream.runner.forwards;
    // Upstream re-runs the last 12 frames (9..20) and writes from the sink's length on; 9..11 are dead weight.
    expect(await stream.setConditioning({ hidden: hidden(-0.25) }, 'keep-sinks')).toBe(9);
    expect(stream.runner.forwards - forwards).toBe(1);
    cache = await snapshot(stream);
    // Sinks keep the old prompt (0.5 + layer); rolling frames were re-run at t = 0 under the new one (-0.25 + layer).
    expect([0, 1, 2].map((s) => slot(cache.v[1]!, s)![0])).toEqual([1.5, 1.5, 1.5]);
    expect([3, 4, 5, 6, 7, 8].map((s) => slot(cache.v[1]!, s)![0])).toEqual(new Array(6).fill(0.75));
    expect([3, 4, 5, 6, 7, 8].map((s) => slot(cache.k[0]!, s))).toEqual([15, 16, 17, 18, 19, 20].map((p) => [p, 0]));

    // `all`: the last 12 frames attend only to each other; the oldest 3 (9..11) become the sinks.
    expect(await stream.setConditioning({ hidden: hidden(1) }, 'all')).toBe(12);
    cache = await snapshot(stream);
    expect([0, 4, 8].map((s) => slot(cache.v[0]!, s)![0])).toEqual([1, 1, 1]);
    expect([0, 1, 2].map((s) => slot(cache.k[0]!, s))).toEqual([9, 10, 11].map((p) => [p, 0]));
    expect(stream.cache.policy.entries().map((e) => e?.position)).toEqual([9, 10, 11, 15, 16, 17, 18, 19, 20]);
    // Without recache the cache is left as it is.
    expect(await stream.setConditioning({ hidden: hidden(0) }, 'off')).toBe(0);
    expect(slot((await snapshot(stream)).v[0]!, 0)![0]).toBe(1);
  });

  it('a recache re-runs each frame’s own clean latents from the history, at its own position', async () => {
    const stream = await open(longlive);
    const T = tinyTokens(stream.model.config.latent);
    await stream.setConditioning({ hidden: hidden(0.5) });
    for (let b = 0; b < 7; b++) await stream.textBlock({ steps: [1000, 750], commit: 'clean', seed: 6 });
    // With the clean commit v1 of each slot is its frame's clean latent (quantised): the recache must give it back.
    const latentOf = (x: Float32Array) => Array.from({ length: 9 }, (_, s) => x[s * T * 2 + 1]);
    const before = latentOf((await snapshot(stream)).v[1]!);
    expect(new Set(before).size).toBeGreaterThan(3);
    expect(await stream.setConditioning({ hidden: hidden(0.25) }, 'keep-sinks')).toBe(9);
    expect(latentOf((await snapshot(stream)).v[1]!)).toEqual(before);
    // Within the first window every frame runs from 0, sinks included.
    const early = await open(longlive);
    await early.setConditioning({ hidden: hidden(0.5) });
    for (let b = 0; b < 2; b++) await early.textBlock({ steps: [1000], commit: 'clean', seed: 6 });
    expect(await early.setConditioning({ hidden: hidden(0.25) }, 'keep-sinks')).toBe(6);
    const v = (await snapshot(early)).v[0]!;
    expect([0, 1, 2, 3, 4, 5].map((s) => v[s * T * 2])).toEqual(new Array(6).fill(0.25));
  });

  it('after the position limit restarts the video, the noise is new: no identical copy of the first frames', async () => {
    const small = { ...limits, positionLimit: 12 };
    const stream = await open(longlive, false, small);
    await stream.setConditioning({ hidden: hidden(0.5) });
    const settings = { steps: [1000, 750], commit: 'clean' as const, seed: 8 };
    const first = await stream.textBlock(settings);
    for (let b = 1; b < 4; b++) await stream.textBlock(settings);
    const again = await stream.textBlock(settings);
    expect(again.positions).toEqual([0, 1, 2]);
    expect(stream.restarts).toBe(1);
    expect(again.frames).not.toEqual(first.frames);
    expect(stream.noise(8, 0, 0, 3)).not.toEqual(stream.noise(8, 0, 0, 3, 0));
    // A reset on request starts the same seed's video again: a seed still reproduces.
    await stream.reset();
    expect((await stream.textBlock(settings)).frames).toEqual(first.frames);
  });

  /** The tiny encoder's latents for a chunk: its sampled frames, channel 3 their red minus the previous red, halved. */
  function encoded(samples: Float32Array[], previousRed: number, plane: number): Float32Array {
    const latent = new Float32Array(samples.length * 4 * plane);
    let red = previousRed;
    samples.forEach((px, i) => {
      latent.fill(px[0]!, i * 4 * plane, (i * 4 + 3) * plane);
      latent.fill(f(f(px[0]! - red) * 0.5), (i * 4 + 3) * plane, (i + 1) * 4 * plane);
      red = px[0]!;
    });
    return latent;
  }

  it('video blocks: the first chunk is 1 + 4 frames, 2 latent frames at the step list; then 4 frames from int(1000·s) - 100', async () => {
    const stream = await open(sdv2, true);
    const c = stream.model.config;
    const shape = { ...c.latent, layers: 2, slots: 5, textLength: 8, textDim: 4 };
    const context = hidden(0.25);
    await stream.setConditioning({ hidden: context });
    const px = 3 * c.height * c.width;
    const plane = c.latent.height * c.latent.width;
    const frame = (v: number) => new Float32Array(px).fill(v);
    const s = 0.75;
    const t0 = Math.trunc(1000 * s) - 100;
    const settings = { steps: [700], commit: 'last-step' as const, seed: 5 };
    let previous = new Float32Array(4 * plane);
    const inputs = [[0.5, 0, 0, 0, -0.5].map(frame), [0.25, 0.5, 0.75, 1].map(frame), [0, 0, 0, -1].map(frame)];
    let position = 0;
    let red = 0.5;
    await expect(stream.videoBlock(settings, inputs[1]!, s)).rejects.toThrow(/needs 5 frames \(the stream’s first\)/);
    for (const [b, pixels] of inputs.entries()) {
      const before = await snapshot(stream);
      const first = b === 0;
      const result = await stream.videoBlock(settings, pixels, s, first ? undefined : t0);
      // The first chunk is encoded as 1 frame, then 4: two latent frames; later chunks one.
      const samples = first ? [pixels[0]!, pixels[4]!] : [pixels[3]!];
      const latent = encoded(samples, red, plane);
      red = samples[samples.length - 1]![0]!;
      const frames = samples.length;
      const n = stream.noise(5, b, 0, frames);
      const x = latent.map((v, j) => f(f(v * f(1 - s)) + f(n[j]! * s)));
      const t = first ? 700 : t0;
      const sigma = stream.table.sigmaAt(t);
      const positions = Array.from({ length: frames }, (_, i) => position + i);
      const flow = tinyFlow(shape, {
        latents: x,
        timesteps: new Array<number>(frames).fill(t),
        context,
        positions,
        bias: before.bias,
        cacheK: before.k,
        cacheV: before.v,
      });
      const x0 = flow.map((g, j) => f(x[j]! - f(g * f(sigma))));
      const expected: Float32Array[] = [];
      for (let i = 0; i < frames; i++) {
        const lat = x0.subarray(i * 4 * plane, (i + 1) * 4 * plane);
        const four = tinyDecode(c.latent, lat, previous);
        for (let j = 0; j < 4; j++) expected.push(four.subarray(j * px, (j + 1) * px));
        previous = Float32Array.from(lat);
      }
      expect(result.positions).toEqual(positions);
      expect(result.frames).toEqual(first ? expected.slice(3) : expected);
      position += frames;
    }
    const cache = await snapshot(stream);
    expect(cache.k[0]![1]).toBe(700 / 1024);
    expect([...cache.bias]).toEqual([0, 0, 0, 0, MASKED]);
  });

  it('per-step commit: step i attends to and writes bank i; the first chunk fills every bank from its last step', async () => {
    const stream = await open(sdv2, true);
    const c = stream.model.config;
    const T = tinyTokens(c.latent);
    const shape = { ...c.latent, layers: 2, slots: 5, textLength: 8, textDim: 4 };
    const context = hidden(0.25);
    await stream.setConditioning({ hidden: context });
    const px = 3 * c.height * c.width;
    const plane = c.latent.height * c.latent.width;
    const frame = (v: number) => new Float32Array(px).fill(v);
    const settings = { steps: [700, 500], commit: 'per-step' as const, seed: 9 };
    const s = 0.7;
    await stream.videoBlock(settings, [0, 0.25, 0.25, 0.25, 0.5].map(frame), s);
    expect(stream.cache.bankCount).toBe(2);
    expect(stream.cache.bytes).toBe(2 * stream.cache.kvBytes);
    for (const bank of [0, 1]) {
      const k = (await snapshot(stream, bank)).k[0]!;
      expect([0, 1].map((slot) => k[slot * T * 2 + 1])).toEqual([500 / 1024, 500 / 1024]);
    }
    const feeds = stream.cache.feeds.bind(stream.cache);
    const reads: number[] = [];
    vi.spyOn(stream.cache, 'feeds').mockImplementation((bank = 0) => {
      reads.push(bank);
      return feeds(bank);
    });
    for (const b of [1, 2]) {
      const banks = [await snapshot(stream, 0), await snapshot(stream, 1)];
      reads.length = 0;
      const pixels = [0.25, 0.5, 0.75, b === 1 ? 1 : -1].map(frame);
      const result = await stream.videoBlock(settings, pixels, s, 600);
      // The closed form of both steps, step 0 against bank 0 and step 1 against bank 1.
      const latent = encoded([pixels[3]!], b === 1 ? 0.5 : 1, plane);
      const n0 = stream.noise(9, b, 0, 1);
      const denoise = (useBanks: number[]) => {
        let x = latent.map((v, j) => f(f(v * f(1 - s)) + f(n0[j]! * s)));
        let x0 = new Float32Array(0);
        for (const [i, t] of [600, 500].entries()) {
          const sigma = stream.table.sigmaAt(t);
          if (i > 0) {
            const n = stream.noise(9, b, i, 1);
            x = x0.map((v, j) => f(f(v * f(1 - sigma)) + f(n[j]! * sigma)));
          }
          const bank = banks[useBanks[i]!]!;
          const flow = tinyFlow(shape, {
            latents: x,
            timesteps: [t],
            context,
            positions: [b + 1],
            bias: bank.bias,
            cacheK: bank.k,
            cacheV: bank.v,
          });
          const xs = x;
          x0 = flow.map((g, j) => f(xs[j]! - f(g * f(sigma))));
        }
        return x0;
      };
      const perStep = denoise([0, 1]);
      // The decoder's last frame of a latent is the latent itself (up to float32 rounding of prev + (cur - prev)).
      expect(result.frames.length).toBe(4);
      expect(result.frames[3]![0]).toBeCloseTo(perStep[0]!, 6);
      // The tiny block's pixels do not depend on which bank a step reads: the feeds it was given say.
      expect(reads.splice(0)).toEqual([0, 1]);
    }
    // Each bank holds its own step's K/V of the later frames (k[1] = t / 1024).
    const slotT = async (bank: number) => (await snapshot(stream, bank)).k[0]![2 * T * 2 + 1];
    expect([await slotT(0), await slotT(1)]).toEqual([600 / 1024, 500 / 1024]);
    // Another step count cannot keep the cached frames.
    await expect(stream.videoBlock({ ...settings, steps: [700] }, [0, 0, 0, 0].map(frame), s, 600)).rejects.toThrow(
      /reset the stream before using 1/,
    );
  });

  it('keeps a constant number of device tensors from block to block: nothing leaks, text, video or recache', async () => {
    const text = await open(longlive);
    await text.setConditioning({ hidden: hidden(0.5) });
    const settings = { steps: [1000, 750], commit: 'clean' as const, seed: 2 };
    for (let b = 0; b < 2; b++) await text.textBlock(settings);
    const kept = runtime.handleStats().count;
    for (let b = 0; b < 3; b++) await text.textBlock(settings);
    await text.setConditioning({ hidden: hidden(0.25) }, 'keep-sinks');
    await text.textBlock(settings);
    expect(runtime.handleStats().count).toBe(kept);
    const video = await open(sdv2, true);
    await video.setConditioning({ hidden: hidden(0) });
    const frame = new Float32Array(3 * 64 * 32);
    await video.videoBlock({ ...settings, commit: 'last-step' }, [frame, frame, frame, frame, frame], 0.7);
    await video.videoBlock({ ...settings, commit: 'last-step' }, [frame, frame, frame, frame], 0.7, 600);
    const withVideo = runtime.handleStats().count;
    for (let b = 0; b < 3; b++)
      await video.videoBlock({ ...settings, commit: 'last-step' }, [frame, frame, frame, frame], 0.7, 600);
    expect(runtime.handleStats().count).toBe(withVideo);
  });

  it('on WebGPU the cache stays in GPU buffers: per block only the noise goes in and the decoded frames come out', async () => {
    const gpu = new OrtRuntime({ device: 'webgpu' });
    try {
      const model = await ArModel.open(gpu, await writeTinyExport(longlive), { decoder: 'full', encoder: false });
      const stream = new ArStream(model, limits);
      await stream.init();
      expect(gpu.executionProvider).toBe('webgpu');
      await stream.setConditioning({ hidden: hidden(0.5) });
      const settings = { steps: [1000, 750, 500, 250], commit: 'clean' as const, seed: 4 };
      await stream.textBlock(settings);
      const feeds = stream.cache.feeds();
      expect(Object.values(feeds).every((t) => isHandle(t) && t.location === 'gpu-buffer')).toBe(true);
      const r = await stream.textBlock(settings);
      // 12 frames of [3, 32, 64] float32; noise of 3 latent frames [4, 4, 8] for the start and three re-noises.
      expect(r.traffic.toHostBytes).toBe(12 * 3 * 32 * 64 * 4);
      const noise = 4 * 3 * 4 * 4 * 8 * 4;
      expect(r.traffic.toDeviceBytes).toBeGreaterThanOrEqual(noise);
      expect(r.traffic.toDeviceBytes).toBeLessThan(noise + 1024);
      await stream.close();
      await model.close();
    } finally {
      await gpu.close();
    }
  });
});
