import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSignature } from '../../../src/runtime/onnx-signature';
import { bindRoles } from '../tensor-roles';
import { residualDims, residualNames } from '../controlnet/residuals';
import { writeStandinIp } from './standin-ip-write';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'standin-ip-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the stand-in IP-Adapter (real sizes, zero weights as holes)', () => {
  it('has ViT-H/14’s parameters and the SD 2.1 UNet’s plus an IP-Adapter’s, with the pipeline’s names', async () => {
    const options = { weights: 'zeros' as const, half: false, width: 64, height: 64 };
    const written = await writeStandinIp(root, options);
    // CLIP ViT-H/14 vision tower with projection: 632.08 M. The UNet: SD 2.1's 865.91 M plus the projection
    // (1024 -> 4 × 1024, LayerNorm: 4.20 M) and to_k_ip / to_v_ip beside 16 cross-attentions (25.56 M).
    expect(written.params.image_encoder! / 1e6).toBeCloseTo(632.08, 1);
    expect(written.params.unet_ip! / 1e6).toBeCloseTo(865.91 + 4.2 + 25.56, 1);

    const unet = await readSignature(written.unet);
    expect(() => bindRoles('unet', unet, 'unet_ip/model.onnx')).not.toThrow();
    expect(unet.inputs.map((i) => [i.name, i.dims])).toEqual([
      ['sample', ['batch', 4, 8, 8]],
      ['timestep', ['batch']],
      ['encoder_hidden_states', ['batch', 77, 1024]],
      ['image_embeds', ['batch', 1024]],
      ['ip_adapter_scale', [1]],
    ]);
    const encoder = await readSignature(written.encoder);
    expect(encoder.inputs.map((i) => [i.name, i.dims])).toEqual([['pixel_values', ['batch', 3, 224, 224]]]);
    expect(encoder.outputs.map((o) => [o.name, o.dims])).toEqual([['image_embeds', ['batch', 1024]]]);

    // A second call finds the files and writes nothing.
    expect((await writeStandinIp(root, options)).params).toEqual(written.params);

    // Asked for the UNet of a ControlNet and a reference at once, only that one is written, beside the others.
    const stages: string[] = [];
    const both = await writeStandinIp(root, { ...options, controlnet: true }, (n) => stages.push(n));
    expect(stages).toEqual(['unet_controlnet_ip', 'done']);
    // The residuals are inputs, not weights: the IP UNet's parameters.
    expect(both.params).toEqual({ ...written.params, unet_controlnet_ip: written.params.unet_ip });
    const combined = await readSignature(both.controlUnet!);
    expect(() => bindRoles('unet', combined, 'unet_controlnet_ip/model.onnx')).not.toThrow();
    const inputs = new Map(combined.inputs.map((i) => [i.name, i.dims]));
    expect(inputs.get('image_embeds')).toEqual(['batch', 1024]);
    expect(inputs.get('ip_adapter_scale')).toEqual([1]);
    // 64² image: an 8² latent, 4² and 2² and 1² below; SD 2.1's residual channels.
    const residuals = residualNames.map((n) => inputs.get(n));
    expect(residuals).toEqual(residualDims(1, 8, 8).map((d) => ['batch', ...d.slice(1)]));
    expect((await writeStandinIp(root, { ...options, controlnet: true })).params).toEqual(both.params);
  }, 300_000);
});
