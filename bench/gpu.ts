/**
 * npm run bench -- --device webgpu|cuda|tensorrt [--quick] [--full] [--size 512]
 * The GPU bench: per graph the CPU provider against the device (median, p90, pipelined throughput), the
 * SD-Turbo-shaped stand-ins' fps through the streamdiffusion pipeline (txt2img and img2img, 1 step and a 4-step
 * stream batch) with host copies per frame, execution-provider options on against off, and output layouts made on
 * the device against JavaScript. Needs no network after `npm ci`: every model is generated here.
 * On a software adapter (lavapipe) it says so on every device figure and leaves out the stand-ins unless --full.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OrtRuntime } from '../src/runtime/ort';
import { nodePlacement, describeFallbacks, ortProviderName } from '../src/runtime/placement';
import type { DeviceRequest, ProviderChoice } from '../src/runtime/providers';
import { probeWebGpu } from '../src/runtime/webgpu-probe';
import type { WebGpuFacts } from '../src/runtime/webgpu-probe';
import { graphCases } from './gpu-cases';
import type { GraphCase } from './gpu-cases';
import { timeGraph } from './gpu-graphs';
import type { GraphTiming } from './gpu-graphs';
import { epOptionsBench, pixelFormatsBench } from './gpu-options';
import { fmt } from './stats';
import { streamDiffusionBench } from './streamdiffusion';
import type { StreamDiffusionBenchResult } from './streamdiffusion';

export const gpuSections = ['graphs', 'stream', 'options', 'formats'] as const;
export type GpuSection = (typeof gpuSections)[number];

export interface GpuBenchOptions {
  device: DeviceRequest;
  quick: boolean;
  /** Run the full-size stand-ins even on a software adapter (minutes per frame). */
  full: boolean;
  size: number;
  log: (m: string) => void;
  /** Which parts to run (all by default): a GPU lease may be too short for all of them at once. */
  sections?: readonly GpuSection[];
  /** Writes every timed graph and its feeds here (graphs.json lists them) for bench/torch-reference.py. */
  saveGraphs?: string;
}

/** Figures this bench is held against; none of them measured here. */
export const references = [
  'StreamDiffusion paper (arXiv 2312.12491), SD-Turbo 1 step 512×512, RTX 4090, TensorRT: 106 fps txt2img, 94 fps img2img',
  'Issue 15, NVIDIA H200 (Vulkan, driver 580), one run, medians, CPU EP 16 cores / WebGPU to host / WebGPU kept on GPU / PyTorch CUDA eager fp32:',
  '  neural-field 512² default 13.5 / 5.3 / 4.9 / 1.1 ms; 1080p default 90 / 15.0 / 11.8 / 1.8 ms; 1080p 8×64 1910 / 62.6 / 69.2 / 13.6 ms',
  '  ResNet-50 512² 45.3 / 6.9 / 4.9 / 4.7 ms; TAESD-shaped decoder 512² 133 / 13.9 / 10.8 / 5.7 ms',
  'Targets (H100/H200 class): neural-field 1080p default ≤ 4 ms on WebGPU; WebGPU kept on GPU ≥ 0.67 of PyTorch eager on conv graphs;',
  '  streamdiffusion SD-Turbo size 512² 1 step ≥ 30 fps on WebGPU, ≥ 100 fps on TensorRT',
];

export async function gpuBench(o: GpuBenchOptions): Promise<string[]> {
  const lines: string[] = [''];
  // Each line is also logged as it is measured: a full run takes minutes.
  const emit = (...items: string[]) => {
    for (const item of items) o.log(item);
    lines.push(...items);
  };
  const device = new OrtRuntime({ device: o.device, log: o.log });
  const choice = await device.provider();
  const webgpu = o.device === 'webgpu' ? await probeWebGpu() : null;
  const software = !!webgpu?.adapter?.software;
  const tag = software ? ' [software Vulkan, not a GPU figure]' : '';
  emit(...machine(choice, webgpu));
  if (choice.provider !== o.device) {
    emit(`  the device asked for is not available (${choice.reason}): nothing to measure`);
    await device.close();
    return lines;
  }
  const standins = !software || o.full;
  const sections = new Set(o.sections ?? gpuSections);
  // Building the cases writes ResNet-50 and the stand-ins (minutes on a first run): only for the parts that time
  // them, so `--only stream` or `--only formats` fits a short GPU lease.
  const needsCases = sections.has('graphs') || sections.has('options') || o.saveGraphs !== undefined;
  const cases = needsCases ? await graphCases({ standins, size: o.size, log: o.log }) : [];
  if (o.saveGraphs) emit(`  graphs and feeds written to ${await saveGraphs(cases, o.saveGraphs)}`);
  const cpu = new OrtRuntime({ device: 'cpu' });
  try {
    if (sections.has('graphs')) {
      emit(
        '',
        `graphs: CPU provider vs ${o.device}${tag} (median / p90 with outputs to host; pipelined = kept on device)`,
      );
      for (const c of cases) emit(await graphLine(c, cpu, device, o));
      if (!standins) emit('  stand-ins left out on a software adapter (minutes a frame); --full runs them');
    }

    if (sections.has('stream')) {
      emit(
        '',
        `streamdiffusion, SD-Turbo-shaped stand-in (random weights, real sizes), ${o.size}², on ${o.device}${tag}`,
      );
      if (standins) await streamLines(o, emit);
      else emit('  not run on a software adapter; --full runs it');
    }

    if (sections.has('options')) {
      emit('', `execution-provider options, on vs off (pipelined ms per frame)${tag}`);
      const optionGraphs = cases.filter((c) => /1080p default|TAESD decoder.*fp16|UNet.*fp16/.test(c.name));
      for (const r of await epOptionsBench(o.device, optionGraphs, o.quick)) {
        emit(
          `  ${r.option}, ${r.graph}: off ${fmt(r.offMs ?? NaN)} ms, on ${fmt(r.onMs ?? NaN)} ms${r.note ? ` (${r.note})` : ''}`,
        );
      }
    }

    if (sections.has('formats')) {
      emit('', `output layouts: JavaScript conversion vs made on ${o.device} and downloaded too${tag}`);
      for (const r of await pixelFormatsBench(o.device, o.quick)) {
        const verdict = r.deviceMs < r.jsMs ? 'device cheaper' : 'JavaScript cheaper';
        emit(`  ${r.size} ${r.format}: JS ${fmt(r.jsMs)} ms, device +${fmt(r.deviceMs)} ms → ${verdict}`);
      }
    }
  } finally {
    await Promise.all([cpu.close(), device.close()]);
  }
  emit('', 'reference figures (not measured in this run):', ...references.map((r) => `  ${r}`));
  return lines;
}

function machine(choice: ProviderChoice, webgpu: WebGpuFacts | null): string[] {
  const lines = [`GPU bench on ${process.platform}/${process.arch}, ${choice.provider}: ${choice.reason}`];
  if (webgpu) {
    const a = webgpu.adapter;
    lines.push(
      a
        ? `  WebGPU adapter: ${a.name} (${a.kind}${a.software ? ', SOFTWARE' : ''}), driver ${a.driver}`
        : `  WebGPU adapter: ${webgpu.reason}`,
    );
  }
  return lines;
}

async function graphLine(c: GraphCase, cpu: OrtRuntime, device: OrtRuntime, o: GpuBenchOptions): Promise<string> {
  const runs = o.quick ? 5 : 30;
  const time = (rt: OrtRuntime) =>
    timeGraph(rt, c.model, c.feeds, {
      runs: c.heavy ? Math.min(runs, 5) : runs,
      warmup: c.heavy ? 1 : 3,
      seconds: o.quick ? 3 : 20,
      pipelinedSeconds: o.quick ? 0.3 : 1,
    });
  const show = (t: GraphTiming) => `${fmt(t.medianMs, 1)} / ${fmt(t.p90Ms, 1)} ms`;
  let onCpu = 'n/a (float16)';
  let cpuMs = NaN;
  if (c.cpu && !(c.heavy && o.quick)) {
    const t = await time(cpu);
    onCpu = show(t);
    cpuMs = t.medianMs;
  }
  const d = await time(device);
  const placed = await nodePlacement(device, c.model, c.feeds);
  const fallbacks = describeFallbacks(placed, ortProviderName[o.device] ?? '');
  const ratio = Number.isFinite(cpuMs) ? `, device ${fmt(cpuMs / d.medianMs, 1)}× the CPU` : '';
  return (
    `  ${c.name}: CPU ${onCpu}; ${o.device} ${show(d)}, pipelined ${fmt(d.pipelinedFps, 1)} fps ` +
    `(${fmt(1000 / d.pipelinedFps, 1)} ms)${ratio}; ${fallbacks ? `NODES OFF THE DEVICE: ${fallbacks}` : 'every node on the device'}`
  );
}

/** Writes each case's model (copied by path where it is a file) and feeds as raw bytes, listed in graphs.json. */
async function saveGraphs(cases: GraphCase[], dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const list = [];
  for (const [i, c] of cases.entries()) {
    let model = c.model;
    if (typeof model !== 'string') {
      model = join(dir, `graph-${i}.onnx`);
      await writeFile(model, c.model);
    }
    const feeds: Record<string, { type: string; dims: readonly number[]; file: string }> = {};
    for (const [name, t] of Object.entries(c.feeds)) {
      const file = join(dir, `graph-${i}.${name}.bin`);
      const data = t.data as ArrayBufferView;
      await writeFile(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      feeds[name] = { type: t.type, dims: t.dims, file };
    }
    list.push({ name: c.name, model: resolve(model), feeds });
  }
  const index = join(dir, 'graphs.json');
  await writeFile(index, JSON.stringify(list, null, 2));
  return index;
}

/** `emit` hears each line as it is measured, so a run cut short still leaves what it had. */
async function streamLines(o: GpuBenchOptions, emit: (...l: string[]) => void): Promise<void> {
  const frames = o.quick ? 10 : 60;
  const runs: [string, string, 'full' | 'tiny', ('txt2img' | 'img2img')[]][] = [
    ['1 step', '0', 'tiny', ['txt2img', 'img2img']],
    ['4-step stream batch', '0,16,32,45', 'tiny', ['txt2img', 'img2img']],
    ['1 step, full VAE', '0', 'full', ['txt2img']],
  ];
  for (const model of ['sd-turbo-standin', 'sd-turbo-standin-fp32']) {
    for (const [label, steps, vae, modes] of runs) {
      const r: StreamDiffusionBenchResult = await streamDiffusionBench({
        model,
        width: o.size,
        height: o.size,
        frames,
        steps,
        vae,
        device: o.device,
        runs: modes,
      });
      for (const m of r.modes) {
        const f = m.perFrame;
        const copies = `host copies/frame: ${fmt(f.toDeviceCopies, 1)} up (${fmt(f.toDeviceBytes / 1e6, 2)} MB), ${fmt(f.toHostCopies, 1)} down (${fmt(f.toHostBytes / 1e6, 2)} MB)`;
        const stages = Object.entries(m.stagesMs)
          .map(([k, ms]) => `${k} ${fmt(ms, 1)}`)
          .join(', ');
        emit(`  ${model} ${label} ${m.mode}, VAE ${vae}: ${fmt(m.fps, 1)} fps; ${copies}; ms: ${stages}`);
      }
    }
  }
}
