import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSignature } from '../../../src/runtime/onnx-signature';
import { CONTROL_UNET_FILE, controlNetFile } from './manifests';
import { CONTROL_IMAGE, residualDims, residualNames } from './residuals';
import { writeStandinControlNets } from './standin-controlnet';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'standin-controlnet-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('SD 2.1 ControlNet stand-ins', () => {
  // Zero weights are holes in the weight files: the full-size graphs are written in seconds, no disk used.
  it('give and take the 13 residuals at their real shapes (512² image: 64² latent)', async () => {
    const dir = await writeStandinControlNets(root, {
      half: true,
      width: 512,
      height: 512,
      names: ['depth'],
      weights: 'zeros',
    });
    const net = await readSignature(join(dir, ...controlNetFile('depth').split('/')));
    const unet = await readSignature(join(dir, ...CONTROL_UNET_FILE.split('/')));
    const expected = residualDims(1, 64, 64).map((d) => ['batch', ...d.slice(1)]);
    expect(net.outputs.map((o) => o.name)).toEqual(residualNames);
    expect(net.outputs.map((o) => o.dims)).toEqual(expected);
    // 320 at 64², 320 at 32², 640, 640 at 16², 1280 at 16², 1280 at 8² (mid too): diffusers' ControlNetModel.
    expect(expected.map((d) => `${d[1]}@${d[2]}`)).toEqual([
      ...Array(3).fill('320@64'),
      '320@32',
      '640@32',
      '640@32',
      '640@16',
      '1280@16',
      '1280@16',
      ...Array(4).fill('1280@8'),
    ]);
    expect(net.inputs.find((i) => i.name === CONTROL_IMAGE)?.dims).toEqual(['batch', 3, 512, 512]);
    expect(net.outputs.every((o) => o.type === 'float16')).toBe(true);
    for (const name of residualNames) {
      const input = unet.inputs.find((i) => i.name === name);
      expect(input?.dims).toEqual(net.outputs.find((o) => o.name === name)?.dims);
    }
    expect(unet.outputs.map((o) => o.name)).toEqual(['out_sample']);
  });

  it('are written once per size and ControlNet, beside the stand-in', async () => {
    const o = { half: false, width: 64, height: 64, names: ['canny'], weights: 'zeros' as const };
    const stages: string[] = [];
    const dir = await writeStandinControlNets(root, o, (s) => stages.push(s));
    expect(stages).toHaveLength(2);
    await writeStandinControlNets(root, o, (s) => stages.push(s));
    expect(stages).toHaveLength(2);
    expect(dir).toBe(join(root, 'controlnet-64x64-zeros'));
  });
});
