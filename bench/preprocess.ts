/**
 * Pre-processor stages: the cost of each stage of the chain on a 512×512 picture, side by side in one run, as
 * `chain.apply` pays it (the RGBA unpack and pack around the stage included, and every copy between this thread
 * and the runtime's), median of the timed runs after warm-up. `depth` runs the Depth-Anything-V2-Small stand-in
 * (518² input, 24.8 M random weights: the real model's cost, not its maps). `--device cpu|webgpu|cuda|auto` picks
 * the provider (CPU by default), `--quick` times fewer runs. `npx tsx bench/preprocess.ts [--quick] [--device X]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { depthAnythingV2Small } from '../pipelines/shared/depth/depth-anything-standin';
import { writeDepthStandin } from '../pipelines/shared/depth/depth-standin-file';
import type { ParamSpecs, ParamValues } from '../src/params/spec';
import { PreprocessChain } from '../src/preprocess/chain';
import { stageNames } from '../src/preprocess/stage-names';
import { OrtRuntime } from '../src/runtime/ort';
import type { DeviceRequest } from '../src/runtime/providers';
import { fmt, median, percentile } from './stats';

export interface PreprocessBenchResult {
  provider: string;
  size: number;
  stages: { chain: string; ms: number; p95: number; runs: number }[];
}

function picture(size: number) {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const x = i % size;
    const y = Math.floor(i / size);
    data.set([(x * 7) & 255, (y * 5) & 255, ((x ^ y) * 3) & 255, 255], i * 4);
  }
  return { data, width: size, height: size };
}

export async function benchPreprocess(
  o: { quick?: boolean; device?: DeviceRequest; log?: (m: string) => void } = {},
): Promise<PreprocessBenchResult> {
  const log = o.log ?? (() => {});
  const size = 512;
  const runtime = new OrtRuntime({ device: o.device ?? 'cpu', log });
  const dir = await mkdtemp(join(tmpdir(), 'bench-preprocess-'));
  try {
    const { provider } = await runtime.provider();
    log('writing the Depth-Anything-V2-Small stand-in (24.8 M random weights)');
    const { path } = await writeDepthStandin(dir, depthAnythingV2Small, { seed: 1 });
    const chain = new PreprocessChain({
      runtime,
      depthModel: async () => ({ model: path, size: depthAnythingV2Small.size }),
      log,
    });
    const input = picture(size);
    const chains = [...stageNames, 'blur,edges', 'depth,softedges'];
    const stages: PreprocessBenchResult['stages'] = [];
    for (const name of chains) {
      const heavy = name.includes('depth');
      const runs = o.quick ? (heavy ? 3 : 10) : heavy ? 10 : 40;
      const values = {
        preprocess: name,
        blurRadius: 4,
        posterizeLevels: 4,
        thresholdLevel: 0.5,
        edgeThreshold: 0.25,
        depthSmoothing: 0.6,
      } as unknown as ParamValues<ParamSpecs>;
      for (let i = 0; i < 2; i++) await chain.apply(input, values);
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await chain.apply(input, values);
        ms.push(performance.now() - t);
      }
      stages.push({ chain: name, ms: median(ms), p95: percentile(ms, 0.95), runs });
      log(`${name}: ${fmt(median(ms))} ms`);
    }
    await chain.release();
    return { provider, size, stages };
  } finally {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function preprocessTable(r: PreprocessBenchResult): string {
  const rows = r.stages.map((s) => `| \`${s.chain}\` | ${fmt(s.ms)} | ${fmt(s.p95)} | ${s.runs} |`);
  return [
    `Pre-processor stages at ${r.size}x${r.size} on ${r.provider} (chain.apply, unpack and pack included):`,
    '',
    '| preprocess | median ms | p95 ms | runs |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--device');
  const device = (at >= 0 ? args[at + 1] : 'cpu') as DeviceRequest;
  const result = await benchPreprocess({ quick: args.includes('--quick'), device, log: (m) => console.error(m) });
  console.log(preprocessTable(result));
}
