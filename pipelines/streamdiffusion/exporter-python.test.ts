/**
 * The SD variants exporter's logic that needs no weights (tools/sd-variants-export/test_contract.py), then what it
 * wrote from tiny stand-in modules with the WebGPU contract's names, bound and run as the pipeline opens files: the
 * exporter and the pipeline agree on names, types and free dimensions. Runs under Debian's python3 with
 * python3-torch (.ci/run installs it); without torch the test fails and says so.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import { readSignature } from '../../src/runtime/onnx-signature';
import { TypedSession } from './session-io';
import { ControlStage } from './controlnet/control-stage';
import { bindRoles, freeDimensions } from './tensor-roles';
import type { Network } from './tensor-roles';
import { PYTHON_TEST_TIMEOUT_MS, unittest } from '../shared/test-python';

const runtime = new OrtRuntime({ device: 'cpu', intraOpThreads: 1, worker: false });
afterAll(() => runtime.close());

describe('SD variants exporter (Python)', () => {
  it(
    'writes files the pipeline binds without renames, with the WebGPU export’s free dimensions',
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'sd-export-'));
      const stderr = await unittest('tools/sd-variants-export', { SD_EXPORT_TEST_OUT: out });
      expect(stderr).toMatch(/Ran 13 tests/);
      expect(stderr).toMatch(/\nOK\n?$/);

      const size = { width: 64, height: 64, latentChannels: 4, tokens: 77 };
      for (const network of ['unet', 'text_encoder', 'vae_decoder', 'vae_encoder'] as Network[]) {
        const file = join(out, network, 'model.onnx');
        const binding = bindRoles(network, await readSignature(file), file);
        expect(binding.inputs.size + binding.outputs.size, network).toBe(0);
      }
      const unetFile = join(out, 'unet', 'model.onnx');
      const unetSig = await readSignature(unetFile);
      expect(unetSig.inputs.map((i) => [i.name, i.type])).toEqual([
        ['sample', 'float32'],
        ['timestep', 'int64'],
        ['encoder_hidden_states', 'float32'],
      ]);
      expect(freeDimensions('unet', unetSig, size)).toEqual({
        num_channels: 4,
        height: 8,
        width: 8,
        sequence_length: 77,
      });
      // Opened as the pipeline opens it (free dimensions fixed), it runs a batch of two with integer timesteps.
      const unet = await TypedSession.open(runtime, unetFile, { network: 'unet', label: 'unet/model.onnx', size });
      const eps = await unet.run({
        sample: { data: new Float32Array(2 * 4 * 8 * 8), dims: [2, 4, 8, 8] },
        timestep: { data: Float32Array.of(999, 0), dims: [2] },
        encoder_hidden_states: { data: new Float32Array(2 * 77 * 8), dims: [2, 77, 8] },
      });
      expect(eps.out_sample!.length).toBe(2 * 4 * 8 * 8);
      await unet.release();

      // --sizes: the image networks' spatial dimensions are fixed (one folder per size), the batch stays free,
      // and the pipeline binds them as it binds the free-size files.
      const staticDir = join(out, 'static-48x48');
      const dims = async (network: Network, kind: 'inputs' | 'outputs') => {
        const file = join(staticDir, network, 'model.onnx');
        const sig = await readSignature(file);
        const binding = bindRoles(network, sig, file);
        expect(binding.inputs.size + binding.outputs.size, network).toBe(0);
        return sig[kind][0]!.dims;
      };
      expect(await dims('unet', 'inputs')).toEqual(['batch_size', 'num_channels', 6, 6]);
      expect(await dims('vae_decoder', 'outputs')).toEqual(['batch_size', 3, 48, 48]);
      expect(await dims('vae_encoder', 'inputs')).toEqual(['batch_size', 3, 48, 48]);

      // The ControlNet export and the UNet that takes its residuals, opened and chained as the pipeline does.
      const controlUnet = await TypedSession.open(runtime, join(out, 'unet_controlnet', 'model.onnx'), {
        network: 'unet',
        label: 'unet_controlnet/model.onnx',
        size,
      });
      const stage = await ControlStage.open(
        runtime,
        [{ name: 'depth', path: join(out, 'controlnet_depth', 'model.onnx') }],
        controlUnet,
        size,
      );
      const image = { data: new Uint8Array(64 * 64 * 4).fill(128), width: 64, height: 64 };
      stage.setFrame(image, [0.5]);
      const feeds = {
        sample: { data: new Float32Array(2 * 4 * 8 * 8).fill(0.1), dims: [2, 4, 8, 8] },
        timestep: { data: Float32Array.of(999, 0), dims: [2] },
        encoder_hidden_states: { data: new Float32Array(2 * 77 * 8), dims: [2, 77, 8] },
      };
      const residuals = await stage.host(feeds, 2);
      expect(residuals.mid_block!.dims).toEqual([2, 1280, 1, 1]);
      const steered = await controlUnet.run({ ...feeds, ...residuals });
      stage.setFrame(image, [0]);
      const plain = await controlUnet.run({ ...feeds, ...(await stage.host(feeds, 2)) });
      expect(steered.out_sample!.some((v, i) => v !== plain.out_sample![i])).toBe(true);
      await stage.release();
      await controlUnet.release();
    },
    PYTHON_TEST_TIMEOUT_MS,
  );
});
