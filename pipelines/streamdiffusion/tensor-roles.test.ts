import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import { readSignature } from '../../src/runtime/onnx-signature';
import type { GraphSignature } from '../../src/runtime/onnx-signature';
import { DiffusionModel } from './diffusion-model';
import type { ModelFiles } from './models';
import { seededNoise } from '../shared/noise';
import { Timings } from '../shared/timings';
import { bindRoles, freeDimensions } from './tensor-roles';
import { tinyNamings } from './tiny/export-naming';
import { writeTinyModel } from './tiny/write';
import { buildExportBlock } from './standin/export-shapes';
import type { TinyOptions } from './tiny/write';

const runtime = new OrtRuntime({ intraOpThreads: 1 });
const opened: DiffusionModel[] = [];
afterAll(async () => {
  for (const m of opened) await m.release();
  await runtime.close();
});

const signatureOf = async (o: TinyOptions, file: string) => readSignature(join(await writeTinyModel(o), file));
const size = { width: 64, height: 64, latentChannels: 4, tokens: 77 };

async function open(o: TinyOptions): Promise<DiffusionModel> {
  const dir = await writeTinyModel(o);
  const files: ModelFiles = { id: 'tiny', xl: false, dir, vaeDir: dir, latentScale: 1, padTokens: ['!', '!'] };
  const m = await DiffusionModel.open(runtime, files, new Timings(), () => {}, { width: 64, height: 64 });
  opened.push(m);
  return m;
}

describe('tensor roles', () => {
  it("binds onnxruntime's demo names to the pipeline's, and leaves diffusers' and the WebGPU export's as they are", async () => {
    const demo = { naming: tinyNamings.ortDemo };
    expect(bindRoles('unet', await signatureOf(demo, 'unet/model.onnx'), 'unet/model.onnx').outputs).toEqual(
      new Map([['out_sample', 'latent']]),
    );
    const decoder = bindRoles('vae_decoder', await signatureOf(demo, 'vae_decoder/model.onnx'), 'vae_decoder');
    expect([...decoder.inputs, ...decoder.outputs]).toEqual([
      ['latent_sample', 'latent'],
      ['sample', 'images'],
    ]);
    const text = bindRoles('text_encoder', await signatureOf(demo, 'text_encoder/model.onnx'), 'text_encoder');
    expect(text.outputs).toEqual(new Map([['last_hidden_state', 'text_embeddings']]));
    for (const naming of [tinyNamings.diffusers, tinyNamings.webgpu]) {
      const b = bindRoles('unet', await signatureOf({ naming }, 'unet/model.onnx'), 'unet/model.onnx');
      expect(b.inputs.size + b.outputs.size).toBe(0);
    }
    // The stand-in blocks shaped like the Olive CUDA and the WebGPU-ready UNets fit as they are.
    for (const shape of ['olive-cuda', 'webgpu-ready'] as const) {
      const signature = await readSignature(buildExportBlock(shape));
      expect(signature.inputs.find((i) => i.name === 'timestep')?.type).toBe('int64');
      const b = bindRoles('unet', signature, shape);
      expect(b.inputs.size + b.outputs.size).toBe(0);
    }
  });

  it('fixes the WebGPU export’s named free dimensions to the load’s sizes, never the batch', async () => {
    const webgpu = { naming: tinyNamings.webgpu };
    const unet = await signatureOf(webgpu, 'unet/model.onnx');
    expect(unet.inputs.find((i) => i.name === 'timestep')).toMatchObject({ type: 'int64', dims: ['batch_size'] });
    expect(freeDimensions('unet', unet, size)).toEqual({ num_channels: 4, height: 8, width: 8, sequence_length: 77 });
    const decoder = await signatureOf(webgpu, 'vae_decoder/model.onnx');
    expect(freeDimensions('vae_decoder', decoder, size)).toEqual({
      num_channels_latent: 4,
      height_latent: 8,
      width_latent: 8,
    });
    const text = await signatureOf(webgpu, 'text_encoder/model.onnx');
    expect(freeDimensions('text_encoder', text, size)).toEqual({ sequence_length: 77 });
  });

  it('refuses a file that does not fit with a sentence saying what was expected and what it has', () => {
    const sig = (inputs: [string, string, number][], outputs: [string, string, number][]): GraphSignature => ({
      inputs: inputs.map(([name, type, rank]) => ({ name, type: type as 'float32', dims: Array(rank).fill('n') })),
      outputs: outputs.map(([name, type, rank]) => ({ name, type: type as 'float32', dims: Array(rank).fill('n') })),
    });
    const out: [string, string, number][] = [['out_sample', 'float32', 4]];
    expect(() =>
      bindRoles(
        'unet',
        sig(
          [
            ['sample', 'float32', 4],
            ['timestep', 'int64', 1],
          ],
          out,
        ),
        'unet/model.onnx',
      ),
    ).toThrow(
      /^unet\/model\.onnx does not fit a UNet: expected an input named encoder_hidden_states or text_embeddings of rank 3; it has inputs sample \(float32 \[n, n, n, n\]\), timestep \(int64 \[n\]\) and outputs out_sample/,
    );
    expect(() => bindRoles('text_encoder', sig([['input_ids', 'float32', 2]], []), 'te.onnx')).toThrow(
      /te\.onnx does not fit a text encoder: its input input_ids is float32, expected int32 or int64/,
    );
    const unet = sig(
      [
        ['sample', 'float16', 4],
        ['timestep', 'float16', 1],
        ['encoder_hidden_states', 'float16', 3],
        ['attention_mask', 'int64', 2],
      ],
      out,
    );
    expect(() => bindRoles('unet', unet, 'unet/model.onnx')).toThrow(
      /its input attention_mask \(int64 \[n, n\]\) would not be fed \(the pipeline feeds sample, timestep, encoder_hidden_states, text_embeds, time_ids, image_embeds, ip_adapter_scale\)/,
    );
  });
});

describe('every variant loads without code changes', () => {
  it('tiny models written the diffusers way, the WebGPU way (int64 timestep, named free dims) and with the demo names give the same pictures', async () => {
    const models = await Promise.all([
      open({}),
      open({ naming: tinyNamings.webgpu }),
      open({ naming: tinyNamings.ortDemo }),
      open({ naming: tinyNamings.webgpu, half: true }),
    ]);
    const pixels = Float32Array.from(seededNoise(5, 3 * 64 * 64), (v) => Math.tanh(v));
    const batch = { sample: seededNoise(4, 2 * 4 * 8 * 8), timesteps: [999, 499], negative: [false, true] };
    const results = [];
    for (const m of models) {
      const positive = await m.prompts.encode('a red cat');
      const negative = await m.prompts.encode('blue');
      const latent = await m.encodeImage(pixels, 64, 64);
      const eps = await m.predictNoise(batch, positive, negative, 64, 64);
      results.push({ latent, eps, image: await m.decodeLatent(latent, 64, 64), hidden: positive.hidden });
    }
    const [base, ...others] = results;
    const diff = (a: Float32Array, b: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    others.forEach((r, i) => {
      // The fp16 one within fp16 tolerance; the others compute the same float32 maths.
      const tol = i === 2 ? 2e-2 : 1e-5;
      for (const key of ['latent', 'eps', 'image', 'hidden'] as const) {
        expect(r[key].length).toBe(base![key].length);
        expect(diff(r[key], base![key])).toBeLessThan(tol);
      }
    });
  });
});
