/**
 * The GPU bench's command line, what `npm run bench -- --device …` runs (also on its own: `npx tsx bench/gpu-run.ts
 * --device webgpu`), loading only what the GPU figures need.
 *   --device webgpu|cuda|tensorrt  --quick  --full  --size 512
 *   --only graphs,stream,options,formats,ar   some parts only (all by default)
 *   --save-graphs DIR   writes the timed graphs and their feeds for bench/torch-reference.py
 */
import { pathToFileURL } from 'node:url';
import { deviceRequestSchema } from '../src/runtime/providers';
import { arVideoBench, formatArVideo } from './ar-video';
import { gpuBench, gpuSections } from './gpu';
import type { GpuSection } from './gpu';

export async function gpuMain(argv: readonly string[] = process.argv): Promise<void> {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const quick = argv.includes('--quick');
  const device = deviceRequestSchema.parse(value('device') ?? 'webgpu');
  const only = value('only')?.split(',');
  const unknown = only?.filter((s) => s !== 'ar' && !(gpuSections as readonly string[]).includes(s));
  if (unknown?.length) throw new Error(`--only takes ${[...gpuSections, 'ar'].join(', ')}; not ${unknown.join(', ')}`);
  const sections = (only?.filter((s) => s !== 'ar') ?? gpuSections) as GpuSection[];
  const lines =
    sections.length > 0
      ? await gpuBench({
          device,
          quick,
          full: argv.includes('--full'),
          size: Number(value('size') ?? 512),
          log,
          sections,
          saveGraphs: value('save-graphs'),
        })
      : [];
  if (!only || only.includes('ar')) {
    log('ar-video blocks: tiny graphs on the CPU and WebGPU providers, the Wan-shaped stand-in on the device …');
    const arVideo = await arVideoBench({ device: device as 'cpu', blocks: quick ? 2 : 6 });
    lines.push('', formatArVideo(arVideo));
  }
  console.log(lines.join('\n'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await gpuMain();
  process.exit(0);
}
