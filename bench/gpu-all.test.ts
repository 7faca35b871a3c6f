/**
 * The one-command GPU bench runs end to end here, on the CPU provider: --quick on the tiny graphs (every part: both
 * settings of the passes, each size, both modes, interpolation, anchors), and one row of the SDXS stand-in itself,
 * so the path a GPU machine takes is the one tested. Asserts what was measured and printed, never how fast.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastTierBench } from './fast-tier';
import { formatRatios, formatRows } from './fast-tier-format';
import { gpuAll, parseGpuAllArgs } from './gpu-all';
import { coreBeside } from './cuda-beside';
import { CUDA_CORE, coreName } from '../src/cuda-core/pins';

describe('bench/gpu-all.ts', () => {
  it('--quick measures every row on tiny graphs and prints the ratios, interpolation and anchors', async () => {
    const options = parseGpuAllArgs(['--quick', '--frames', '1']);
    expect(options).toMatchObject({ device: 'cpu', sizes: [48, 56, 64], models: ['tiny'], passes: ['on', 'off'] });
    const r = await gpuAll({ ...options, cuda: false, log: () => {} });
    const rows = r.tiers[0]!.rows;
    expect(rows.map((x) => `${x.passes} ${x.size} ${x.mode}`)).toEqual(
      ['on', 'off'].flatMap((p) => [48, 56, 64].flatMap((s) => [`${p} ${s} txt2img`, `${p} ${s} img2img`])),
    );
    for (const row of rows) {
      expect(row.fps).toBeGreaterThan(0);
      expect(Object.keys(row.stagesMs)).toEqual(expect.arrayContaining(['UNet', 'VAE decode']));
    }
    expect(rows.filter((x) => x.mode === 'img2img').every((x) => 'VAE encode' in x.stagesMs)).toBe(true);
    const text = r.lines.join('\n');
    expect(text).toMatch(/tiny\s+56² img2img .* fps/);
    expect(text).toMatch(/tiny 64² txt2img: passes on \/ off \d+\.\d\d×/);
    expect(text).toMatch(/tiny 48² txt2img: [\d.]+ rendered -> [\d.]+ fps out \(in-between frame [\d.]+ ms\)/);
    expect(text).toMatch(/106 fps txt2img, 94 fps img2img/);
    expect(text).toMatch(/SDXS-512, 1 step, 512², one GPU: about 100 fps/);
  }, 120_000);

  it('refuses sizes and names it cannot run, with a sentence', () => {
    expect(() => parseGpuAllArgs(['--sizes', '384,450'])).toThrow(/--sizes takes multiples of 32 .*not 450/);
    expect(() => parseGpuAllArgs(['--models', 'sdxs,sd15'])).toThrow(/--models takes sd-turbo, sdxs, tiny; not sd15/);
  });

  // The stand-in itself (zero weights, float32, 64²): its files, the device engine and the report's ratio line.
  it('times the SDXS stand-in beside SD-Turbo’s through the device engine', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fast-tier-'));
    try {
      const result = await fastTierBench({
        device: 'cpu',
        sizes: [64],
        models: ['sdxs'],
        passes: ['off'],
        modes: ['txt2img', 'img2img'],
        half: false,
        frames: 1,
        root,
        deadlineS: 600,
        log: () => {},
      });
      expect(result.rows.map((x) => [x.model, x.size, x.mode])).toEqual([
        ['sdxs', 64, 'txt2img'],
        ['sdxs', 64, 'img2img'],
      ]);
      expect(formatRows(result)[0]).toMatch(/cpu\s+passes off sdxs\s+64² txt2img\s+[\d.]+ fps\s+\(.*UNet [\d.]+/);
      // A report with both models says how many times faster the fast tier was (the figure, not its size, is data).
      const both = { ...result, rows: [...result.rows, { ...result.rows[0]!, model: 'sd-turbo' as const, fps: 1 }] };
      expect(formatRatios(both)).toEqual([
        expect.stringMatching(
          /cpu passes off 64² txt2img: sdxs \/ sd-turbo [\d.]+× the frames a second, UNet [\d.]+× as fast/,
        ),
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 300_000);

  it('stops starting rows at the deadline and names the rows it left out', async () => {
    const result = await fastTierBench({
      device: 'cpu',
      sizes: [48, 64],
      models: ['tiny'],
      passes: ['off'],
      modes: ['txt2img'],
      half: false,
      frames: 1,
      root: '',
      deadlineS: 0,
      log: () => {},
    });
    expect(result.rows).toEqual([]);
    expect(result.skipped).toEqual(['passes off 48² tiny txt2img', 'passes off 64² tiny txt2img']);
  });
});

// CUDA beside, through the onnxruntime 1.29 core assembled by hand in .cuda-core (`daydream-scope cuda-core --dir
// .cuda-core`; the test does not fetch 290 MB from npm). Here no GPU and no CUDA libraries: the CUDA process says
// why it ran no rows, naming the missing library, and the bench goes on.
const realCore = resolve(import.meta.dirname, '..', '.cuda-core', coreName(CUDA_CORE));
describe.skipIf(process.platform !== 'linux' || !existsSync(realCore) || existsSync('/proc/driver/nvidia'))(
  'bench/gpu-all.ts CUDA beside through the assembled core (no GPU here)',
  () => {
    it('runs the CUDA rows in a process on the core, which says why CUDA does not load', async () => {
      const options = parseGpuAllArgs(['--quick', '--frames', '1', '--sizes', '48', '--passes', 'off']);
      const r = await gpuAll({ ...options, cudaCore: realCore, log: () => {} });
      const text = r.lines.join('\n');
      expect(r.lines[0]).toMatch(
        new RegExp(`providers: cpu, cuda \\(through the onnxruntime core at ${realCore}, in a process of its own\\)$`),
      );
      expect(text).toMatch(
        /CUDA beside through the core at .*: not run: CUDA requested but the CUDA provider library of the onnxruntime 1\.29\.0 core at .* cannot load: .*libcublas\.so\.13/,
      );
      expect(r.tiers).toHaveLength(1);
    }, 300_000);

    it('a --cuda-core that is not a core is named, and nothing runs beside', async () => {
      expect(coreBeside('/nonexistent/core')).toEqual({
        problem: '--cuda-core /nonexistent/core: no such folder, or no core.json in it (not an assembled core)',
      });
      expect(coreBeside(realCore)).toEqual({ dir: realCore });
    });
  },
);
