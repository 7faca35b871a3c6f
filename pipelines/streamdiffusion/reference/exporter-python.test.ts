/**
 * The IP-Adapter exporter (tools/ip-adapter-export) on tiny stand-ins with diffusers' attention API, then what it
 * wrote opened as the reference slot opens it: the UNet binds as a UNet with the IP inputs, its scale is live, scale
 * 0 ignores the image; the UNet for a ControlNet at once takes the residuals too; the encoder gives image_embeds.
 * Runs under Debian's python3 with python3-torch.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../../src/runtime/ort';
import { PYTHON_TEST_TIMEOUT_MS, unittest } from '../../shared/test-python';
import { TypedSession } from '../session-io';
import type { Feed } from '../session-io';
import { residualNames, residualShapes } from '../controlnet/residuals';

const runBoth = async (s: TypedSession, feeds: Record<string, Feed>) => (await s.run(feeds)).out_sample!;

const runtime = new OrtRuntime({ device: 'cpu', intraOpThreads: 1, worker: false });
afterAll(() => runtime.close());

describe('IP-Adapter exporter (Python)', () => {
  it(
    'writes an IP UNet the pipeline binds, whose scale is an input, the one with ControlNet residuals, and an image encoder',
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'ip-export-'));
      const stderr = await unittest('tools/ip-adapter-export', { SD_IP_EXPORT_TEST_OUT: out });
      expect(stderr).toMatch(/Ran 7 tests/);
      expect(stderr).toMatch(/\nOK\n?$/);

      const unet = await TypedSession.open(runtime, join(out, 'unet_ip', 'model.onnx'), {
        network: 'unet',
        label: 'unet_ip/model.onnx',
      });
      expect(unet.signature.inputs.map((i) => i.name)).toEqual([
        'sample',
        'timestep',
        'encoder_hidden_states',
        'image_embeds',
        'ip_adapter_scale',
      ]);
      const fill = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k));
      const feeds = (embeds: Float32Array, scale: number) => ({
        sample: { data: fill(2 * 4 * 3 * 5, 0.7), dims: [2, 4, 3, 5] },
        timestep: { data: Float32Array.of(999, 20), dims: [2] },
        encoder_hidden_states: { data: fill(2 * 77 * 12, 0.3), dims: [2, 77, 12] },
        image_embeds: { data: embeds, dims: [2, 10] },
        ip_adapter_scale: { data: Float32Array.of(scale), dims: [1] },
      });
      const run = async (embeds: Float32Array, scale: number) => (await unet.run(feeds(embeds, scale))).out_sample!;
      const [a, b] = [fill(20, 1.1), fill(20, 2.3)];
      // Scale 0: the image does not matter; scale 1: it does, and the scale reaches the graph per call.
      expect(await run(a, 0)).toEqual(await run(b, 0));
      const [on, other] = [await run(a, 1), await run(b, 1)];
      expect(on.reduce((s, v, i) => s + Math.abs(v - other[i]!), 0) / on.length).toBeGreaterThan(1e-3);

      // The UNet for a ControlNet and a reference at once: the residuals after the image inputs; zero residuals
      // give the IP UNet's output (the same weights), others move it.
      const both = await TypedSession.open(runtime, join(out, 'unet_controlnet_ip', 'model.onnx'), {
        network: 'unet',
        label: 'unet_controlnet_ip/model.onnx',
      });
      expect(both.signature.inputs.map((i) => i.name)).toEqual([
        ...unet.signature.inputs.map((i) => i.name),
        ...residualNames,
      ]);
      const levels = [3, 2, 1, 1].map((h, i) => [h, [5, 3, 2, 1][i]!]);
      const residuals = (zero: boolean) =>
        Object.fromEntries(
          both.signature.inputs.slice(5).map((input, i) => {
            const [h, w] = levels[residualShapes()[i]!.level]!;
            const dims = [2, input.dims[1] as number, h!, w!];
            const n = dims.reduce((a, c) => a * c, 1);
            return [input.name, { data: zero ? new Float32Array(n) : fill(n, 0.9 + i), dims }];
          }),
        );
      const ipOnly = await run(a, 1);
      expect(await runBoth(both, { ...feeds(a, 1), ...residuals(true) })).toEqual(ipOnly);
      const steered = await runBoth(both, { ...feeds(a, 1), ...residuals(false) });
      expect(steered.reduce((s, v, i) => s + Math.abs(v - ipOnly[i]!), 0) / steered.length).toBeGreaterThan(1e-3);
      await Promise.all([unet.release(), both.release()]);

      const encoder = await TypedSession.open(runtime, join(out, 'image_encoder', 'model.onnx'));
      const embeds = await encoder.run({ pixel_values: { data: fill(3 * 224 * 224, 0.01), dims: [1, 3, 224, 224] } });
      expect(embeds.image_embeds!.length).toBe(10);
      await encoder.release();
    },
    PYTHON_TEST_TIMEOUT_MS,
  );
});
