import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSignature } from '../../src/runtime/onnx-signature';
import type { GraphSignature } from '../../src/runtime/onnx-signature';
import { OrtRuntime } from '../../src/runtime/ort';
import { ArModel } from './ar-model';
import { assertContract, blockSpec, contractProblems, decoderSpec } from './contract';
import { readExportConfig } from './export-config';
import { tinyConfig, writeTinyExport } from './tiny/write';

const options = {
  model: 'tiny-contract',
  cache: { sinkFrames: 1, windowFrames: 4, blockFrames: 1 },
  schedule: { shift: 5, warp: true, steps: [1000] },
};

async function blockSignature(): Promise<GraphSignature> {
  return readSignature(join(await writeTinyExport(options), 'block.onnx'));
}

describe('the ar-video contract check', () => {
  it('names every way a block graph breaks the contract', async () => {
    const sig = await blockSignature();
    const c = tinyConfig(options);
    const broken: GraphSignature = {
      inputs: sig.inputs
        .filter((i) => i.name !== 'cache_v.1')
        .map((i) => (i.name === 'latents' ? { ...i, dims: i.dims.slice(1) } : i))
        .map((i) => (i.name === 'timesteps' ? { ...i, type: 'float16' as const } : i))
        .map((i) => (i.name === 'cache_k.0' ? { ...i, dims: [1, 7, ...i.dims.slice(2)] } : i))
        .concat([{ name: 'guidance', type: 'float32', dims: [1] }]),
      outputs: sig.outputs.filter((o) => o.name !== 'new_k.1'),
    };
    expect(contractProblems(broken, blockSpec(c), 'float32')).toEqual([
      'input "latents" has rank 4, expected 5 [1, frames, 4, 8, 8]',
      'input "timesteps" is float16, expected float32',
      'input "cache_k.0" has size 7 on axis 1, expected 3 [1, 3, 16, 1, 2]',
      'input "cache_v.1" is missing',
      'output "new_k.1" is missing',
      'input "guidance" is not in the contract',
    ]);
    expect(() => assertContract('block.onnx', broken, blockSpec(c), 'float32')).toThrow(
      /^block\.onnx does not follow the ar-video contract \(docs\/ar-video-block-contract\.md\): input "latents"/,
    );
    // A float16 export must have float16 latents.
    expect(contractProblems(sig, blockSpec(c), 'float16')[0]).toBe('input "latents" is float32, expected float16');
  });

  it('checks streaming state: each state_in has a state_out of the same fixed shape', () => {
    const c = tinyConfig(options);
    const latents = { name: 'latents', type: 'float32' as const, dims: [1, 1, 4, 8, 8] };
    const frames = { name: 'frames', type: 'float32' as const, dims: [1, 4, 3, 64, 64] };
    const sig: GraphSignature = {
      inputs: [
        latents,
        { name: 'state_in.a', type: 'float32', dims: [1, 2] },
        { name: 'state_in.b', type: 'float32', dims: [1, 'n'] },
      ],
      outputs: [frames, { name: 'state_out.a', type: 'float32', dims: [1, 3] }],
    };
    expect(contractProblems(sig, decoderSpec(c, false), 'float32')).toEqual([
      'state "a" goes in as [1, 2] and out as [1, 3]',
      'input "state_in.b" has no output "state_out.b"',
    ]);
    expect(contractProblems(sig, decoderSpec(c, true), 'float32')[0]).toBe(
      'input "state_in.a": this graph takes no streaming state',
    );
  });

  it('refuses a contract.json that is not one, and a model folder that breaks the contract, at load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ar-contract-'));
    const runtime = new OrtRuntime({ device: 'cpu', intraOpThreads: 1 });
    try {
      await expect(readExportConfig(dir)).rejects.toThrow(/contract\.json could not be read \(ENOENT\)/);
      await writeFile(join(dir, 'contract.json'), '{"format": "daydream-scope/ar-video@1", "width": -1}');
      await expect(readExportConfig(dir)).rejects.toThrow(
        /contract\.json does not describe an ar-video export: model: .*; width: /,
      );
      // A block exported for another cache size than contract.json says.
      const tiny = await writeTinyExport(options);
      const other = await writeTinyExport({ ...options, cache: { ...options.cache, windowFrames: 6 } });
      await writeFile(join(dir, 'contract.json'), JSON.stringify(tinyConfig(options)));
      for (const f of ['text_encoder.onnx', 'tokenizer.json', 'vae_decoder.onnx', 'tae_decoder.onnx']) {
        await copyFile(join(tiny, f), join(dir, f));
      }
      await copyFile(join(other, 'block.onnx'), join(dir, 'block.onnx'));
      await expect(ArModel.open(runtime, dir, { decoder: 'full', encoder: false })).rejects.toThrow(
        /block\.onnx does not follow the ar-video contract .*input "cache_k\.0" has size 5 on axis 1, expected 3/,
      );
    } finally {
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
