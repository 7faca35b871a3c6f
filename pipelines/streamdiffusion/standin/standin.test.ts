import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logPlacement, parsePlacementLog } from '../../../src/runtime/log-placement';
import { ortProviderName } from '../../../src/runtime/placement';
import { probeWebGpu } from '../../../src/runtime/webgpu-probe';
import { renderStandin } from './test-engine-run';
import { findStandin, writeStandin } from './write';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'standin-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const networks = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder', 'taesd/vae_decoder', 'taesd/vae_encoder'];

describe('SD-Turbo-shaped stand-ins', () => {
  // Zero weights are holes in the weight files: the full-size graphs cost seconds and no disk here.
  it('have the real networks’ parameter counts', async () => {
    await writeStandin(root, { weights: 'zeros', half: true, width: 512, height: 512 });
    const found = await findStandin(root, { weights: 'zeros', half: true, width: 512, height: 512 });
    const p = found!.params;
    // SD 2.1 UNet 865.9 M, VAE 83.7 M (decoder + encoder), OpenCLIP ViT-H text tower (23 layers) 340 M,
    // TAESD 1.22 M each way.
    expect(p.unet! / 1e6).toBeCloseTo(865.91, 1);
    expect((p.vae_decoder! + p.vae_encoder!) / 1e6).toBeCloseTo(83.65, 1);
    expect(p.text_encoder! / 1e6).toBeCloseTo(340.39, 1);
    expect(p['taesd/vae_decoder']! / 1e6).toBeCloseTo(1.22, 2);
    const weights = await stat(join(root, 'sd-turbo-standin-fp16-512x512-zeros', 'unet', 'model.onnx.data'));
    expect(weights.size).toBeGreaterThan(1.7e9);
  });

  it('are written once: a second call finds them', async () => {
    const options = { weights: 'zeros' as const, half: false, width: 64, height: 64 };
    const dir = await writeStandin(root, options);
    const before = (await stat(join(dir, 'standin.json'))).mtimeMs;
    expect(await writeStandin(root, options)).toBe(dir);
    expect((await stat(join(dir, 'standin.json'))).mtimeMs).toBe(before);
  });

  it('refuses a size that is not a multiple of 64', async () => {
    await expect(writeStandin(root, { width: 500, height: 512, weights: 'zeros' })).rejects.toThrow(/multiples of 64/);
  });
});

describe('full-size stand-ins on WebGPU: no node falls back to the CPU provider', () => {
  it('has an adapter (CI: lavapipe; none is a failure)', async () => {
    const facts = await probeWebGpu();
    expect(facts.usable, facts.reason).toBe(true);
  });

  // Placement is read from onnxruntime's log at session creation: the first run on a software adapter would
  // compile shaders for minutes. The bench checks the same on a GPU, after running them.
  it.each([
    ['float16', true],
    ['float32', false],
  ])(
    '%s, every network',
    async (_name, half) => {
      const dir = await writeStandin(root, { weights: 'zeros', half, width: 64, height: 64 });
      for (const n of networks) {
        const placements = await logPlacement(join(dir, n, 'model.onnx'), ['webgpu', 'cpu']);
        expect(placements.length, n).toBeGreaterThan(0);
        const cpu = placements.filter((p) => p.provider !== ortProviderName.webgpu);
        expect(cpu.map((p) => `${n}: ${p.op} ${p.node} on ${p.provider}`)).toEqual([]);
      }
    },
    600_000,
  );
});

describe('a full-size stand-in in the pipeline', () => {
  // 866 M zero weights in float32 on the CPU provider at 64×64: about 25 s and 3 GB, the only check that the
  // stand-ins' names, types and shapes fit the pipeline end to end without a GPU.
  it('runs text encoder -> UNet -> VAE decoder on the device engine, txt2img and img2img', async () => {
    const dir = await writeStandin(root, { weights: 'zeros', half: false, width: 64, height: 64 });
    const { frames, timed } = await renderStandin(dir, 'sd-turbo-standin-fp32', 0.18215);
    for (const frame of frames) {
      // Zero weights: the decoder draws 0, which is mid-grey, opaque.
      expect([...frame.data.slice(0, 4)]).toEqual([128, 128, 128, 255]);
      expect(frame.data.length).toBe(64 * 64 * 4);
    }
    expect(frames).toHaveLength(2);
    expect(timed).toEqual(expect.arrayContaining(['text encoder', 'UNet', 'VAE decode', 'VAE encode']));
  }, 300_000);
});

describe('parsePlacementLog', () => {
  it('lists the nodes of mixed placements and stands one entry for "all nodes"', () => {
    const at = '2026-01-01 [V:onnxruntime:, session_state.cc:1383 VerifyEachNodeIsAssignedToAnEp]';
    const mixed = [
      `${at} Node placements`,
      `${at}  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 1`,
      `${at}   Transpose (transpose_3)`,
      `${at}  Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 2`,
      `${at}   Mul (mul_0)`,
      `${at}   MemcpyToHost (Memcpy)`,
    ].join('\n');
    expect(parsePlacementLog(mixed)).toEqual([
      { node: 'transpose_3', op: 'Transpose', provider: 'CPUExecutionProvider' },
      { node: 'mul_0', op: 'Mul', provider: 'WebGpuExecutionProvider' },
      { node: 'Memcpy', op: 'MemcpyToHost', provider: 'WebGpuExecutionProvider' },
    ]);
    const all = `${at} Node placements\n${at}  All nodes placed on [WebGpuExecutionProvider]. Number of nodes: 325`;
    expect(parsePlacementLog(all)).toEqual([{ node: 'all 325 nodes', op: '*', provider: 'WebGpuExecutionProvider' }]);
    expect(parsePlacementLog('nothing here')).toBeNull();
  });
});
