import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/runtime/graph-builder';
import { readSignature } from '../../src/runtime/onnx-signature';
import { OrtRuntime } from '../../src/runtime/ort';
import { describeFallbacks, nodePlacement, ortProviderName, syntheticFeeds } from '../../src/runtime/placement';
import type { PlainTensor } from '../../src/runtime/tensor';
import { mulberry32 } from '../../src/runtime/seeded-random';
import { writeTinyModel } from './tiny/write';

// The WebGPU provider's own options (the layout of its convolutions, its validation), which the GPU bench measures
// on against off: each must reach onnxruntime and leave the picture as it was. CI runs this on Mesa's lavapipe.
const cpu = new OrtRuntime({ device: 'cpu' });
// onnxruntime's own default for WebGPU: channels-last.
const nhwc = new OrtRuntime({ device: 'webgpu' });
const nchw = new OrtRuntime({ device: 'webgpu', ep: { webgpuLayout: 'NCHW' } });
const unvalidated = new OrtRuntime({ device: 'webgpu', ep: { webgpuValidation: 'disabled' } });
afterAll(() => Promise.all([cpu, nhwc, nchw, unvalidated].map((r) => r.close())));

async function decoder() {
  const model = join(await writeTinyModel({ xl: false, half: false }), 'vae_decoder', 'model.onnx');
  const { inputs } = await readSignature(model);
  return { model, feeds: syntheticFeeds(inputs, { batch: 1, latent_height: 8, latent_width: 8 }) };
}

/** Three 3×3 convolutions with ReLUs and a ×2 nearest upsample, NCHW, no Transpose of its own. */
function convStack(): { model: Uint8Array; feeds: Record<string, PlainTensor> } {
  const g = new GraphBuilder('conv_stack');
  const random = mulberry32(7);
  const weights = (n: number, scale: number) => Array.from({ length: n }, () => (random() * 2 - 1) * scale);
  let x = g.input('x', 'float', [1, 8, 16, 16]);
  for (let i = 0; i < 3; i++) {
    const w = g.floats(`w${i}`, [8, 8, 3, 3], weights(8 * 8 * 9, 0.2));
    const b = g.floats(`b${i}`, [8], weights(8, 0.1));
    x = g.op('Relu', [g.op('Conv', [x, w, b], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })]);
    if (i === 1) x = g.op('Resize', [x, '', g.floats('scales', [4], [1, 1, 2, 2])], { mode: 'nearest' });
  }
  g.output(x, 'y', 'float', [1, 8, 32, 32]);
  const data = Float32Array.from(weights(8 * 16 * 16, 1));
  return { model: g.toBytes(), feeds: { x: { type: 'float32', dims: [1, 8, 16, 16], data } } };
}

async function decode(
  runtime: OrtRuntime,
  model: string | Uint8Array,
  feeds: Record<string, PlainTensor>,
): Promise<Float32Array> {
  const session = await runtime.createSession(model);
  try {
    const out = await session.run(feeds);
    return Object.values(out)[0]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const layoutTransposes = (runtime: OrtRuntime, model: string | Uint8Array, feeds: Record<string, PlainTensor>) =>
  nodePlacement(runtime, model, feeds).then((placed) => {
    expect(describeFallbacks(placed, ortProviderName.webgpu!)).toBe('');
    return placed.filter((p) => p.op === 'Transpose').length;
  });

describe('WebGPU provider options', () => {
  it('NCHW asked for reaches onnxruntime: no layout transposes, all on WebGPU, the same numbers', async () => {
    const { model, feeds } = convStack();
    // The stack has no Transpose of its own: those in the default run are the layout transformation's.
    expect(await layoutTransposes(nhwc, model, feeds)).toBeGreaterThan(0);
    expect(await layoutTransposes(nchw, model, feeds)).toBe(0);
    const reference = await decode(cpu, model, feeds);
    expect(reference.some((v) => v > 0.1)).toBe(true);
    for (const runtime of [nhwc, nchw]) {
      const out = await decode(runtime, model, feeds);
      let worst = 0;
      for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(reference[i]! - out[i]!));
      expect(worst).toBeLessThan(1e-4);
    }
  });

  it('NCHW draws the same picture through a decoder', async () => {
    const { model, feeds } = await decoder();
    const [reference, out] = [await decode(cpu, model, feeds), await decode(nchw, model, feeds)];
    let worst = 0;
    for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(reference[i]! - out[i]!));
    // Decoder output is in [-1, 1]: one 8-bit level is 2/255.
    expect(worst).toBeLessThan(2 / 255);
    expect(reference.some((v) => Math.abs(v) > 0.05)).toBe(true);
  });

  it('the validation mode reaches the provider: a value it does not know is refused there', async () => {
    const logs: string[] = [];
    const bogus = new OrtRuntime({
      device: 'webgpu',
      ep: { webgpuValidation: 'sometimes' as 'disabled' },
      log: (m) => logs.push(m),
    });
    try {
      // The runtime falls back to the CPU provider and says why: the WebGPU provider read the option and refused it.
      const session = await bogus.createSession(convStack().model);
      expect(session.provider).toBe('cpu');
      expect(logs.join('\n')).toMatch(/Invalid validation mode: sometimes/);
    } finally {
      await bogus.close();
    }
  });

  it('validation off still draws the same picture', async () => {
    const { model, feeds } = await decoder();
    const [a, b] = [await decode(nhwc, model, feeds), await decode(unvalidated, model, feeds)];
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
