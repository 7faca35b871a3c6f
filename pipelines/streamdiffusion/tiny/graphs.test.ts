import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../../src/runtime/ort';
import { ClipTokenizer, CONTEXT_LENGTH } from '../clip-tokenizer';
import { seededNoise } from '../../shared/noise';
import { readSignature } from '../../../src/runtime/onnx-signature';
import { stagesFor } from '../schedule';
import { TypedSession } from '../session-io';
import { StreamBatch } from '../stream-batch';
import type { UnetBatch } from '../stream-batch';
import { buildTextEncoder, buildUnet, buildVaeDecoder, buildVaeEncoder, tinyWeights } from './graphs';
import type { TinyWeights } from './graphs';
import { tinyVocab } from './vocab';

const runtime = new OrtRuntime({ intraOpThreads: 1, worker: false });
afterAll(() => runtime.close());

const { vocab, merges } = tinyVocab();
const w = tinyWeights(Object.keys(vocab).length, 32, 13);
const H = 2;
const W = 3;
const PLANE = H * W;

/** The tiny UNet in TS: ε = k·x + mean_tokens(E)·P + m·t/1000, per batch element. */
function unetRef(weights: TinyWeights, b: UnetBatch, pos: Float32Array, neg: Float32Array): Float32Array {
  const out = new Float32Array(b.sample.length);
  b.timesteps.forEach((t, e) => {
    const E = b.negative[e] ? neg : pos;
    for (let c = 0; c < 4; c++) {
      let bias = 0;
      for (let d = 0; d < weights.dim; d++) {
        let mean = 0;
        for (let tok = 0; tok < CONTEXT_LENGTH; tok++) mean += E[tok * weights.dim + d]!;
        bias += (mean / CONTEXT_LENGTH) * weights.P[d * 4 + c]!;
      }
      for (let p = 0; p < PLANE; p++) {
        const i = (e * 4 + c) * PLANE + p;
        out[i] = weights.k * b.sample[i]! + bias + (weights.m * t) / 1000;
      }
    }
  });
  return out;
}

const maxRelDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return m;
};

describe('tiny graphs', () => {
  it('declare the real exports’ names and types, read back from the bytes without decoding the weights', async () => {
    const unet = await readSignature(buildUnet(w, { xl: true, half: true }));
    expect(unet.inputs.map((i) => [i.name, i.type])).toEqual([
      ['sample', 'float16'],
      ['timestep', 'float16'],
      ['encoder_hidden_states', 'float16'],
      ['text_embeds', 'float16'],
      ['time_ids', 'float16'],
    ]);
    expect(unet.inputs[0]!.dims).toEqual(['batch', 4, 'height', 'width']);
    expect(unet.outputs.map((o) => o.name)).toEqual(['out_sample']);
    const text = await readSignature(buildTextEncoder(w));
    expect(text.inputs).toEqual([{ name: 'input_ids', type: 'int32', dims: ['batch', 77] }]);
    expect(text.outputs.map((o) => o.name)).toContain('last_hidden_state');
    expect((await readSignature(buildVaeDecoder(w))).inputs[0]!.name).toBe('latent_sample');
    expect((await readSignature(buildVaeEncoder(w))).outputs[0]!.name).toBe('latent_sample');
  });

  it('text encoder: tokenizer ids through the graph give tanh(table[id] + position)', async () => {
    const tok = new ClipTokenizer(vocab, merges, { padToken: '!' });
    const ids = tok.encode('a red cat in the forest');
    const session = await TypedSession.open(runtime, buildTextEncoder(w));
    const out = await session.run({ input_ids: { data: ids, dims: [1, CONTEXT_LENGTH] } });
    const expected = new Float32Array(CONTEXT_LENGTH * w.dim);
    for (let t = 0; t < CONTEXT_LENGTH; t++) {
      for (let d = 0; d < w.dim; d++) {
        expected[t * w.dim + d] = Math.tanh(w.table[ids[t]! * w.dim + d]! + w.positions[t * w.dim + d]!);
      }
    }
    expect(maxRelDiff(out.last_hidden_state!, expected)).toBeLessThan(1e-6);
    await session.release();
  });

  it('stream batch over the ONNX UNet equals the closed form, float32 and float16 graphs', async () => {
    const pos = seededNoise(1, CONTEXT_LENGTH * w.dim);
    const neg = seededNoise(2, CONTEXT_LENGTH * w.dim);
    const stages = stagesFor([0, 16, 32, 45]);
    const size = 4 * PLANE;
    const noise = stages.map((_, i) => seededNoise(10 + i, size));
    const inputs = Array.from({ length: 6 }, (_, f) => seededNoise(50 + f, size));
    const g = { cfg: 'full' as const, scale: 1.5, delta: 1 };
    for (const half of [false, true]) {
      const session = await TypedSession.open(runtime, buildUnet(w, { half }));
      expect(session.isHalf).toBe(half);
      const onnx = async (b: UnetBatch) => {
        const n = b.timesteps.length;
        const ehs = new Float32Array(n * pos.length);
        b.negative.forEach((isNeg, i) => ehs.set(isNeg ? neg : pos, i * pos.length));
        const out = await session.run({
          sample: { data: b.sample, dims: [n, 4, H, W] },
          timestep: { data: Float32Array.from(b.timesteps), dims: [n] },
          encoder_hidden_states: { data: ehs, dims: [n, CONTEXT_LENGTH, w.dim] },
        });
        return out.out_sample!;
      };
      const viaGraph = new StreamBatch(stages, size, noise);
      const viaTs = new StreamBatch(stages, size, noise);
      for (const x of inputs) {
        const a = await viaGraph.step(x, onnx, g);
        const b = await viaTs.step(x, async (batch) => unetRef(w, batch, pos, neg), g);
        // float32 graphs agree to rounding; float16 ones to half precision (11 bits), through four stages.
        expect(maxRelDiff(a, b)).toBeLessThan(half ? 2e-2 : 1e-5);
      }
      await session.release();
    }
  });

  it('VAE decoder: 1×1 conv + bias, upsampled ×8 (nearest); encoder: 8×8 mean then 1×1 conv', async () => {
    const z = seededNoise(3, 4 * PLANE);
    const dec = await TypedSession.open(runtime, buildVaeDecoder(w));
    const img = (await dec.run({ latent_sample: { data: z, dims: [1, 4, H, W] } })).sample!;
    expect(img.length).toBe(3 * 64 * PLANE);
    for (const [c, y, x] of [
      [0, 0, 0],
      [1, 9, 17],
      [2, 15, 23],
    ] as const) {
      const p = Math.floor(y / 8) * W + Math.floor(x / 8);
      let v = w.decBias[c]!;
      for (let k = 0; k < 4; k++) v += w.dec[c * 4 + k]! * z[k * PLANE + p]!;
      expect(img[(c * H * 8 + y) * W * 8 + x]).toBeCloseTo(v, 5);
    }
    const enc = await TypedSession.open(runtime, buildVaeEncoder(w));
    const lat = (await enc.run({ sample: { data: img, dims: [1, 3, H * 8, W * 8] } })).latent_sample!;
    // The image is constant on each 8×8 block, so the mean is the block's value: encode(decode(z)) = enc·(dec·z + b).
    for (let k = 0; k < 4; k++) {
      let v = 0;
      for (let c = 0; c < 3; c++) {
        let rgb = w.decBias[c]!;
        for (let j = 0; j < 4; j++) rgb += w.dec[c * 4 + j]! * z[j * PLANE]!;
        v += w.enc[k * 3 + c]! * rgb;
      }
      expect(lat[k * PLANE]).toBeCloseTo(v, 5);
    }
    await dec.release();
    await enc.release();
  });
});
