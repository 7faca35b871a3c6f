/**
 * StreamDiffusion benchmark: per-stage time and frames/s of the streamdiffusion pipeline, txt2img and img2img.
 *   npx tsx bench/streamdiffusion.ts [--model tiny|tiny-xl|sd-turbo|sdxl-turbo] [--size 512] [--frames 30]
 *     [--steps 0] [--vae full|tiny]
 * The tiny model runs anywhere (generated graphs, CPU); sd-turbo / sdxl-turbo need their download and a GPU to
 * mean anything.
 */
import { pathToFileURL } from 'node:url';
import { snapshotOf } from '../src/engine/snapshot';
import { OrtRuntime } from '../src/runtime/ort';
import type { DeviceRequest } from '../src/runtime/providers';
import { StreamDiffusionPipeline, streamDiffusion } from '../pipelines/streamdiffusion/streamdiffusion';

export interface StreamDiffusionBenchOptions {
  model: string;
  width: number;
  height: number;
  /** Timed frames per mode, after as many warm-up frames as there are stages (the stream batch fills up). */
  frames: number;
  /** t_index_list; the paper's figures are for one step. */
  steps: string;
  vae: 'full' | 'tiny';
  device: DeviceRequest;
  /** Which runs to make. */
  runs: readonly Run[];
}

type Run = 'txt2img' | 'img2img' | 'txt2img, new prompt each frame';

export interface StreamDiffusionBenchResult {
  model: string;
  executionProvider: string;
  size: string;
  modes: {
    mode: string;
    fps: number;
    stagesMs: Record<string, number>;
    /** Host<->device copies per frame (counted by the runtime). */
    perFrame: { toDeviceCopies: number; toDeviceBytes: number; toHostCopies: number; toHostBytes: number };
  }[];
}

const defaults: StreamDiffusionBenchOptions = {
  model: 'tiny',
  width: 512,
  height: 512,
  frames: 30,
  steps: '0',
  vae: 'full',
  device: 'auto',
  runs: ['txt2img', 'img2img', 'txt2img, new prompt each frame'],
};

/** Runs the pipeline without a server, frame after frame, and reads its stage timings. */
export async function streamDiffusionBench(
  options: Partial<StreamDiffusionBenchOptions> = {},
): Promise<StreamDiffusionBenchResult> {
  const o = { ...defaults, ...options } satisfies StreamDiffusionBenchOptions;
  const runtime = new OrtRuntime({ device: o.device });
  const result: StreamDiffusionBenchResult = {
    model: o.model,
    executionProvider: (await runtime.provider()).provider,
    size: `${o.width}x${o.height}`,
    modes: [],
  };
  try {
    // The third run changes the prompt every frame, so tokenizer and text encoder are timed too (else cached).
    for (const run of o.runs) {
      const mode = run.startsWith('txt2img') ? 'txt2img' : 'img2img';
      const newPrompts = run !== mode;
      const params = snapshotOf(streamDiffusion.params, o, {
        model: o.model,
        vae: o.vae,
        mode,
        tIndexList: o.steps,
        source: mode === 'img2img' ? 'test-pattern' : 'none',
      });
      const pipeline = new StreamDiffusionPipeline();
      await pipeline.load({
        width: o.width,
        height: o.height,
        params,
        runtime,
        progress: () => {},
        signal: new AbortController().signal,
        log: (m) => process.stderr.write(`${m}\n`),
      });
      const warmup = o.steps.split(',').length + 1;
      let frame = 0;
      const render = () => {
        const p = newPrompts ? { ...params, prompt: `${params.prompt} ${frame}`, transition: 0 } : params;
        const ctx = { time: frame / 30, dt: 1 / 30, frameIndex: frame++, width: o.width, height: o.height };
        return pipeline.render(ctx, p);
      };
      for (let i = 0; i < warmup; i++) await render();
      pipeline.timings.reset();
      const before = runtime.transfers();
      const started = performance.now();
      for (let i = 0; i < o.frames; i++) await render();
      const seconds = (performance.now() - started) / 1000;
      const after = runtime.transfers();
      const stagesMs = Object.fromEntries(Object.entries(pipeline.timings.means()).map(([k, v]) => [k, v.meanMs]));
      const perFrame = {
        toDeviceCopies: (after.toDeviceCopies - before.toDeviceCopies) / o.frames,
        toDeviceBytes: (after.toDeviceBytes - before.toDeviceBytes) / o.frames,
        toHostCopies: (after.toHostCopies - before.toHostCopies) / o.frames,
        toHostBytes: (after.toHostBytes - before.toHostBytes) / o.frames,
      };
      result.modes.push({ mode: run, fps: o.frames / seconds, stagesMs, perFrame });
      await pipeline.unload();
    }
  } finally {
    await runtime.close();
  }
  return result;
}

/** The result as lines of text, with the figures to compare against. */
export function formatStreamDiffusion(r: StreamDiffusionBenchResult): string {
  const lines = [`streamdiffusion ${r.model} ${r.size} on ${r.executionProvider}`];
  for (const m of r.modes) {
    const stages = Object.entries(m.stagesMs)
      .map(([k, ms]) => `${k} ${ms.toFixed(2)} ms`)
      .join(', ');
    lines.push(`  ${m.mode.padEnd(30)} ${m.fps.toFixed(1).padStart(7)} fps  (${stages})`);
  }
  lines.push(
    '  compare: StreamDiffusion paper, SD-Turbo 1 step 512x512 on an RTX 4090 with TensorRT: 106 fps txt2img, ' +
      '94 fps img2img.',
  );
  if (r.model.startsWith('tiny')) {
    lines.push('  (tiny: generated stand-in graphs; this measures the pipeline overhead, not a diffusion model)');
  }
  return lines.join('\n');
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = Number(arg('size') ?? 512);
  const r = await streamDiffusionBench({
    model: arg('model') ?? 'tiny',
    width: size,
    height: size,
    frames: Number(arg('frames') ?? 30),
    steps: arg('steps') ?? '0',
    vae: arg('vae') === 'tiny' ? 'tiny' : 'full',
  });
  console.log(formatStreamDiffusion(r));
}
