/**
 * The GPU bench in one command, sized for a ten-minute lease:
 *   npx tsx bench/gpu-all.ts --device webgpu [--sizes 384,448,512] [--frames 20] [--deadline 420] [--json FILE]
 *   npx tsx bench/gpu-all.ts --quick            tiny graphs on the CPU provider: the whole path in seconds
 *   --models sdxs,sd-turbo (or tiny)  --passes on,off  --warmup 2  --no-cuda   narrower runs (docs/fast-tier.md)
 *   --cuda-core <dir>   the onnxruntime core CUDA runs beside through (default: the one in the models folder)
 * For each provider (the one asked for, and CUDA beside it where onnxruntime's CUDA libraries load: in this
 * process, or through the core `daydream-scope cuda-core` assembles, in a process of its own): the fast tier
 * (SDXS-512-shaped stand-in) and SD-Turbo-shaped stand-in, one step, at each size, txt2img and img2img, with the
 * load-time graph passes on and off, frames per second and per-stage milliseconds; then the RIFE-shaped
 * interpolation stage per size and the frames out at interpolate = 2; then the anchors, printed beside.
 * Stand-ins are generated on the machine (zero weights: seconds, no disk). Nothing here needs the network.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { modelsDir } from '../src/files';
import { deviceRequestSchema } from '../src/runtime/providers';
import type { DeviceRequest } from '../src/runtime/providers';
import { probeWebGpu } from '../src/runtime/webgpu-probe';
import { fastTierBench } from './fast-tier';
import { tierModels } from './fast-tier';
import type { FastTierOptions, FastTierResult, Passes, TierModel } from './fast-tier';
import { fastTierAnchors, formatInterpolated, formatRatios, formatRows } from './fast-tier-format';
import { interpolationBench } from './interpolation';
import { coreBeside, cudaUnavailable, runCudaBeside } from './cuda-beside';

export interface GpuAllOptions {
  device: DeviceRequest;
  quick: boolean;
  sizes: number[];
  frames: number;
  warmup?: number;
  /** Seconds after which the fast-tier rows stop starting (the rest of the run takes about a minute). */
  deadlineS: number;
  /** Also the CUDA provider, side by side, when it loads (false: never try). */
  cuda: boolean;
  /** The onnxruntime core CUDA runs beside through, when this process's onnxruntime has no CUDA. */
  cudaCore?: string | undefined;
  models: TierModel[];
  /** The settings of the load-time passes the provider asked for is timed with. */
  passes: Passes[];
  log: (m: string) => void;
}

export interface GpuAllResult {
  lines: string[];
  tiers: FastTierResult[];
  interpolationMs: Record<number, number>;
}

/** Runs every part and returns the report; each line is logged as it is made, so a run cut short keeps them. */
export async function gpuAll(o: GpuAllOptions): Promise<GpuAllResult> {
  const lines: string[] = [];
  const emit = (...l: string[]) => {
    for (const line of l) o.log(line);
    lines.push(...l);
  };
  const started = performance.now();
  const besideAsked = o.cuda && o.device !== 'cuda';
  const own = besideAsked ? await cudaUnavailable() : 'not asked for';
  const beside = besideAsked && own !== null ? coreBeside(o.cudaCore) : null;
  const besideDir = beside && 'dir' in beside ? beside.dir : null;
  const providers = [o.device, ...(own === null ? ['cuda' as const] : [])];
  const through = besideDir ? `, cuda (through the onnxruntime core at ${besideDir}, in a process of its own)` : '';
  emit(
    `GPU bench (${new Date().toISOString()}), ${process.platform}/${process.arch}, providers: ${providers.join(', ')}${through}`,
  );
  if (beside && 'problem' in beside) emit(`  CUDA beside: not run: ${beside.problem}`);
  else if (besideAsked && own !== null && !besideDir) emit(`  CUDA beside: not run: ${own}`);
  if (o.device === 'webgpu') {
    const a = (await probeWebGpu()).adapter;
    emit(
      `  WebGPU adapter: ${a ? `${a.name} (${a.kind}${a.software ? ', SOFTWARE: not a GPU figure' : ''})` : 'none'}`,
    );
  }
  const base = baseOptions(o);
  const tiers: FastTierResult[] = [];
  for (const [i, device] of providers.entries()) {
    // The provider asked for gets both settings of the passes; CUDA beside it the default only (time).
    const passes = i === 0 ? o.passes : (['on'] as const);
    const left = o.deadlineS - (performance.now() - started) / 1000;
    const share = i === 0 && (providers.length > 1 || besideDir) ? left * 0.7 : left;
    const tier = await fastTierBench({ ...base, device, passes, deadlineS: share });
    tiers.push(tier);
    emit('', `fast tier (sdxs) vs SD-Turbo size, 1 step, ${device}:`, ...formatRows(tier), ...formatRatios(tier));
  }
  if (besideDir) {
    const left = Math.max(1, Math.floor(o.deadlineS - (performance.now() - started) / 1000));
    const r = await runCudaBeside(besideDir, [...rowArgs(o), '--deadline', String(left)]);
    if ('tier' in r) {
      tiers.push(r.tier);
      emit('', `fast tier (sdxs) vs SD-Turbo size, 1 step, cuda (the core at ${besideDir}):`, ...formatRows(r.tier));
      emit(...formatRatios(r.tier));
    } else emit('', `CUDA beside through the core at ${besideDir}: not run: ${r.skipped}`);
  }

  const interpolationMs: Record<number, number> = {};
  emit('', `frame interpolation (RIFE-shaped ${o.quick ? 'tiny graph' : 'stand-in'}) on ${o.device}:`);
  // The in-between frame per size; the fps out follow from the first provider's rows.
  for (const size of o.sizes) {
    const r = await interpolationBench({ size, rounds: o.quick ? 1 : 3, standIn: !o.quick, device: o.device });
    interpolationMs[size] = r.ms[o.quick ? 'tiny graph' : 'stand-in graph']!;
  }
  emit(...formatInterpolated(tiers[0]!, interpolationMs));
  emit('', 'anchors (not measured in this run):', ...fastTierAnchors.map((a) => `  ${a}`));
  emit(`(whole run ${Math.round((performance.now() - started) / 1000)} s)`);
  return { lines, tiers, interpolationMs };
}

/** The fast-tier options every provider's rows share. */
function baseOptions(o: GpuAllOptions) {
  return {
    sizes: o.sizes,
    models: o.models,
    modes: ['txt2img', 'img2img'],
    // float16 where a GPU runs the graphs; the CPU provider runs float32.
    half: o.device !== 'cpu',
    frames: o.frames,
    ...(o.warmup === undefined ? {} : { warmup: o.warmup }),
    root: join(modelsDir(), 'bench-standins'),
    log: o.log,
  } satisfies Omit<FastTierOptions, 'device' | 'deadlineS' | 'passes'>;
}

/** The arguments that size the rows, for the CUDA process. */
const rowArgs = (o: GpuAllOptions) => [
  '--sizes',
  o.sizes.join(','),
  '--models',
  o.models.join(','),
  '--frames',
  String(o.frames),
  ...(o.warmup === undefined ? [] : ['--warmup', String(o.warmup)]),
  ...(o.quick ? ['--quick'] : []),
];

/** `--cuda-rows`: the CUDA rows alone, in this process's onnxruntime (the core), as JSON for cuda-beside.ts. */
async function cudaRows(o: GpuAllOptions, json: string): Promise<void> {
  const why = await cudaUnavailable();
  const tier = why
    ? null
    : await fastTierBench({ ...baseOptions(o), half: true, device: 'cuda', passes: ['on'], deadlineS: o.deadlineS });
  await writeFile(json, JSON.stringify(tier ? { tier } : { skipped: why }));
}

/** The command line: flags as in the header. */
export function parseGpuAllArgs(argv: readonly string[]): Omit<GpuAllOptions, 'log'> & { json?: string } {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const sizes = (value('sizes') ?? (quick ? '48,56,64' : '384,448,512')).split(',').map(Number);
  const bad = sizes.filter((s) => !Number.isInteger(s) || s <= 0 || s % (quick ? 8 : 32) !== 0);
  if (bad.length)
    throw new Error(`--sizes takes multiples of ${quick ? 8 : 32} such as 384,448,512; not ${bad.join(', ')}`);
  const list = <T extends string>(name: string, allowed: readonly T[], fallback: string): T[] => {
    const items = (value(name) ?? fallback).split(',');
    const wrong = items.filter((m) => !(allowed as readonly string[]).includes(m));
    if (wrong.length) throw new Error(`--${name} takes ${allowed.join(', ')}; not ${wrong.join(', ')}`);
    return items as T[];
  };
  return {
    models: list('models', tierModels, quick ? 'tiny' : 'sdxs,sd-turbo'),
    passes: list('passes', ['on', 'off'] as const, 'on,off'),
    device: deviceRequestSchema.parse(value('device') ?? (quick ? 'cpu' : 'webgpu')),
    quick,
    sizes,
    frames: Number(value('frames') ?? (quick ? 3 : 20)),
    ...(value('warmup') === undefined ? {} : { warmup: Number(value('warmup')) }),
    deadlineS: Number(value('deadline') ?? 420),
    cuda: !argv.includes('--no-cuda'),
    cudaCore: value('cuda-core'),
    json: value('json'),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { json, ...o } = parseGpuAllArgs(process.argv);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  if (process.argv.includes('--cuda-rows')) {
    await cudaRows({ ...o, log }, json ?? 'cuda-rows.json');
    process.exit(0);
  }
  const r = await gpuAll({ ...o, log });
  console.log(r.lines.join('\n'));
  if (json) await writeFile(json, JSON.stringify({ tiers: r.tiers, interpolationMs: r.interpolationMs }, null, 2));
  process.exit(0);
}
