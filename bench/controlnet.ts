/**
 * ControlNet bench, side by side in one run, on the CPU with the tiny graphs at 512×512:
 * 1. each pre-processor stage as the chain runs it (bench/preprocess.ts: unpack and pack included; depth is the
 *    Depth-Anything-V2-Small stand-in, the real model's cost);
 * 2. the ControlNet step of streamdiffusion (the tiny ControlNet on the UNet's batch and the residual sum), one
 *    and two ControlNets, from the pipeline's own stage timings;
 * 3. the loop's frames per second: the loaded pipeline rendering back to back as the frame loop calls it (input ->
 *    chain -> streamdiffusion), without ControlNet, with depth + one ControlNet, and with edges + one ControlNet,
 *    interleaved round by round so that a busy machine slows each alike.
 * The tiny UNet and ControlNet cost little: the figures say what the plumbing and the chain cost, not a GPU's
 * diffusion. `npx tsx bench/controlnet.ts [--quick]`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { depthAnythingV2Small } from '../pipelines/shared/depth/depth-anything-standin';
import { writeDepthStandin } from '../pipelines/shared/depth/depth-standin-file';
import { StreamDiffusionPipeline, streamDiffusion } from '../pipelines/streamdiffusion/streamdiffusion';
import type { Image } from '../src/engine/frame';
import { LoadedPipeline } from '../src/engine/loaded-pipeline';
import type { Pipeline, PipelineDefinition } from '../src/engine/pipeline';
import { snapshotOf } from '../src/engine/snapshot';
import type { ParamSpecs, ParamValues } from '../src/params/spec';
import { PreprocessChain } from '../src/preprocess/chain';
import { preprocessParams } from '../src/preprocess/stage-names';
import { OrtRuntime } from '../src/runtime/ort';
import { benchPreprocess, preprocessTable } from './preprocess';
import type { PreprocessBenchResult } from './preprocess';
import { fmt, median } from './stats';

const SIZE = 512;

interface Config {
  label: string;
  preprocess: string;
  values: Record<string, unknown>;
}

const configs: Config[] = [
  { label: 'no chain, no ControlNet', preprocess: '', values: {} },
  { label: 'no chain, ControlNet depth (on the camera)', preprocess: '', values: { controlnet: 'depth' } },
  { label: 'depth + ControlNet depth', preprocess: 'depth', values: { controlnet: 'depth' } },
  { label: 'edges + ControlNet canny', preprocess: 'edges', values: { controlnet: 'canny' } },
  {
    label: 'depth + ControlNet depth + canny',
    preprocess: 'depth',
    values: { controlnet: 'depth', controlnet2: 'canny', controlnetScale2: 0.5 },
  },
];

export interface ControlNetBenchResult {
  provider: string;
  stages: PreprocessBenchResult;
  loops: { label: string; fps: number; controlNetMs: number | undefined; unetMs: number | undefined }[];
}

/** Eight camera-like frames (a moving pattern), cycled. */
function frames(): Image[] {
  return Array.from({ length: 8 }, (_, f) => {
    const data = new Uint8Array(SIZE * SIZE * 4);
    for (let i = 0; i < SIZE * SIZE; i++) {
      const x = (i % SIZE) + f * 4;
      const y = Math.floor(i / SIZE);
      data.set([(x * 3) & 255, (y * 2) & 255, ((x ^ y) * 5) & 255, 255], i * 4);
    }
    return { data, width: SIZE, height: SIZE };
  });
}

export async function controlNetBench(
  o: { quick?: boolean; log?: (m: string) => void } = {},
): Promise<ControlNetBenchResult> {
  const log = o.log ?? (() => {});
  log('pre-processor stages at 512x512 on the CPU …');
  const stages = await benchPreprocess({ quick: o.quick ?? false, device: 'cpu', log });
  const runtime = new OrtRuntime({ device: 'cpu', log });
  const dir = await mkdtemp(join(tmpdir(), 'bench-controlnet-'));
  try {
    const { provider } = await runtime.provider();
    const { path } = await writeDepthStandin(dir, depthAnythingV2Small, { seed: 1 });
    const specs = { ...streamDiffusion.params, ...preprocessParams() } as ParamSpecs;
    const loaded: {
      config: Config;
      pipeline: LoadedPipeline;
      instance: StreamDiffusionPipeline;
      values: ParamValues<ParamSpecs>;
    }[] = [];
    for (const config of configs) {
      const sd = snapshotOf(
        streamDiffusion.params,
        { width: SIZE, height: SIZE },
        {
          model: 'tiny',
          mode: 'img2img',
          tIndexList: '0',
          ...config.values,
        },
      );
      const values = {
        ...sd,
        preprocess: config.preprocess,
        depthSmoothing: 0.6,
        edgeThreshold: 0.25,
      } as ParamValues<ParamSpecs>;
      const chain = new PreprocessChain({
        runtime,
        depthModel: async () => ({ model: path, size: depthAnythingV2Small.size }),
        log,
      });
      const instance = new StreamDiffusionPipeline();
      // Untyped, as the host holds every pipeline (the registry keeps definitions of any parameters).
      const pipeline = new LoadedPipeline(
        streamDiffusion as PipelineDefinition,
        instance as unknown as Pipeline,
        runtime,
        false,
        specs,
        values,
        chain,
      );
      await pipeline.load({ specs, values, signal: new AbortController().signal, log, progress: () => {} });
      loaded.push({ config, pipeline, instance, values });
    }
    const input = frames();
    let n = 0;
    const provider_ = { frame: () => input[n++ % input.length] };
    const render = (l: (typeof loaded)[number]) =>
      l.pipeline.render({ time: n / 30, dt: 1 / 30, frameIndex: n }, l.values, provider_);
    for (const l of loaded) for (let i = 0; i < 3; i++) await render(l);
    for (const l of loaded) l.instance.timings.reset();
    const rounds = o.quick ? 2 : 4;
    const perRound = o.quick ? 5 : 15;
    const fps = new Map<string, number[]>();
    for (let r = 0; r < rounds; r++) {
      for (const l of loaded) {
        const started = performance.now();
        for (let i = 0; i < perRound; i++) await render(l);
        const rate = perRound / ((performance.now() - started) / 1000);
        fps.set(l.config.label, [...(fps.get(l.config.label) ?? []), rate]);
      }
      log(
        `round ${r + 1}/${rounds}: ${loaded.map((l) => `${l.config.label} ${fmt(fps.get(l.config.label)!.at(-1)!, 1)} fps`).join(', ')}`,
      );
    }
    const loops = loaded.map((l) => {
      const means = l.instance.timings.means();
      return {
        label: l.config.label,
        fps: median(fps.get(l.config.label)!),
        controlNetMs: means.ControlNet?.meanMs,
        unetMs: means.UNet?.meanMs,
      };
    });
    for (const l of loaded) await l.pipeline.unload(log);
    return { provider, stages, loops };
  } finally {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function controlNetTable(r: ControlNetBenchResult): string {
  const base = r.loops[0]!.fps;
  const rows = r.loops.map(
    (l) =>
      `| ${l.label} | ${fmt(l.fps, 1)} | ${fmt(1000 / l.fps, 1)} | ${fmt(l.fps / base, 3)} | ` +
      `${l.controlNetMs === undefined ? '—' : fmt(l.controlNetMs)} | ${fmt(l.unetMs ?? NaN)} |`,
  );
  return [
    preprocessTable(r.stages),
    '',
    `streamdiffusion tiny, img2img, 1 step, ${SIZE}x${SIZE} on ${r.provider}: the loaded pipeline back to back (chain included):`,
    '',
    '| configuration | fps (median of rounds) | ms/frame | fps vs none | ControlNet step ms | UNet ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await controlNetBench({ quick: process.argv.includes('--quick'), log: (m) => console.error(m) });
  console.log(controlNetTable(result));
}
