/**
 * Two measurements of the GPU bench that compare a thing on and off in one run: execution-provider options, and
 * output pixel layouts made on the device versus converted in JavaScript.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rgbaToBgra, rgbaToI420, rgbaToUyvy } from '../src/media/from-rgba';
import type { DeviceFormat } from '../src/engine/frame';
import { ChildProcessTransport } from '../src/runtime/child-transport';
import { OrtRuntime } from '../src/runtime/ort';
import type { EpOptions } from '../src/runtime/ep-options';
import type { DeviceRequest } from '../src/runtime/providers';
import { buildFrameGraph } from '../pipelines/streamdiffusion/frame-graph';
import type { GraphCase } from './gpu-cases';
import { timeGraph } from './gpu-graphs';
import { median } from './stats';

export interface OptionResult {
  option: string;
  graph: string;
  offMs: number | null;
  onMs: number | null;
  note: string;
}

/**
 * ms per frame, pipelined, for `graph` on a runtime with `ep`; null when the session cannot start. Each runtime's
 * sessions run in a child process of their own: the WebGPU device (and its validation mode) is one per process.
 */
async function pipelinedMs(device: DeviceRequest, ep: Partial<EpOptions>, graph: GraphCase, quick: boolean) {
  const logs: string[] = [];
  const runtime = new OrtRuntime({ device, ep, log: (m) => logs.push(m), transport: new ChildProcessTransport() });
  try {
    const t = await timeGraph(runtime, graph.model, graph.feeds, { runs: quick ? 10 : 100, seconds: quick ? 3 : 15 });
    return { ms: 1000 / t.pipelinedFps, logs };
  } catch (err) {
    return { ms: null, logs: [...logs, (err as Error).message] };
  } finally {
    await runtime.close();
  }
}

/** Each option that matters for `device`, measured against off on the graphs given. */
export async function epOptionsBench(
  device: DeviceRequest,
  graphs: GraphCase[],
  quick: boolean,
): Promise<OptionResult[]> {
  const out: OptionResult[] = [];
  const compare = async (option: string, on: Partial<EpOptions>, off: Partial<EpOptions>, graph: GraphCase) => {
    const a = await pipelinedMs(device, off, graph, quick);
    const b = await pipelinedMs(device, on, graph, quick);
    const note = b.logs.filter((l) => l.includes('not applied')).join('; ');
    out.push({ option, graph: graph.name, offMs: a.ms, onMs: b.ms, note });
  };
  if (device === 'webgpu') {
    for (const g of graphs) {
      await compare('WebGPU graph capture', { webgpuGraphCapture: true }, {}, g);
      await compare('WebGPU NCHW layout (default NHWC)', { webgpuLayout: 'NCHW' }, {}, g);
      await compare('WebGPU validation disabled', { webgpuValidation: 'disabled' }, {}, g);
    }
  }
  if (device === 'cuda') {
    out.push({
      option: 'CUDA graph',
      graph: '-',
      offMs: null,
      onMs: null,
      note: 'not reachable: onnxruntime-node 1.30 passes the CUDA provider only its device id',
    });
  }
  if (device === 'tensorrt') {
    for (const g of graphs) {
      await compare('TensorRT fp16', { tensorrtFp16: true }, { tensorrtFp16: false }, g);
      await compare('CUDA graph (TensorRT)', { cudaGraph: true }, { cudaGraph: false }, g);
    }
    out.push(...(await tensorrtCache(graphs[0]!)));
  }
  return out;
}

/** Session start with an empty engine cache, then with the cache it left: the minutes a warm cache saves. */
async function tensorrtCache(graph: GraphCase): Promise<OptionResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'trt-cache-'));
  try {
    const start = async () => {
      const runtime = new OrtRuntime({ device: 'tensorrt', ep: { tensorrtCacheDir: dir } });
      const started = performance.now();
      try {
        const s = await runtime.createSession(graph.model);
        await s.run(graph.feeds);
        await s.release();
        return performance.now() - started;
      } finally {
        await runtime.close();
      }
    };
    const cold = await start();
    const files = (await readdir(dir)).length;
    const warm = await start();
    const note = files > 0 ? `${files} cache files written` : 'no cache file written: the variables were not applied';
    return [
      {
        option: 'TensorRT engine + timing cache (first session start, ms)',
        graph: graph.name,
        offMs: cold,
        onMs: warm,
        note,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface FormatResult {
  size: string;
  format: DeviceFormat;
  jsMs: number;
  /** Extra time of the frame graph when it also makes and downloads this layout. */
  deviceMs: number;
}

/** Per layout: converting the RGBA in JavaScript, against making it on the device and downloading it too. */
export async function pixelFormatsBench(device: DeviceRequest, quick: boolean): Promise<FormatResult[]> {
  const runtime = new OrtRuntime({ device });
  const out: FormatResult[] = [];
  const js = { bgra: rgbaToBgra, i420: rgbaToI420, uyvy: rgbaToUyvy } as const;
  const reps = quick ? 5 : 30;
  try {
    const sizes: [number, number][] = quick
      ? [[512, 512]]
      : [
          [512, 512],
          [1920, 1080],
        ];
    for (const [w, h] of sizes) {
      const sample = Float32Array.from({ length: 3 * w * h }, (_, i) => Math.sin(i * 0.001));
      const decoded = await runtime.upload({ type: 'float32', data: sample, dims: [1, 3, h, w] });
      const open = (formats: DeviceFormat[]) =>
        runtime.createSession(buildFrameGraph(w, h, false, formats), { hostOutputs: ['rgba', ...formats] });
      const base = await open([]);
      const timeRun = async (s: typeof base) => {
        const started = performance.now();
        const out = await s.run({ sample: decoded });
        return { ms: performance.now() - started, rgba: out.rgba!.data as Uint8Array };
      };
      const { rgba } = await timeRun(base);
      for (const format of ['i420', 'uyvy', 'bgra'] as const) {
        const withFormat = await open([format]);
        await timeRun(withFormat);
        // Alternating runs of the two graphs, so the load of the machine weighs on both alike.
        const extra: number[] = [];
        for (let i = 0; i < reps; i++) extra.push((await timeRun(withFormat)).ms - (await timeRun(base)).ms);
        await withFormat.release();
        const times: number[] = [];
        for (let i = 0; i < reps; i++) {
          const started = performance.now();
          js[format](rgba, w, h);
          times.push(performance.now() - started);
        }
        out.push({ size: `${w}×${h}`, format, jsMs: median(times), deviceMs: median(extra) });
      }
      await base.release();
      await runtime.release(decoded);
    }
  } finally {
    await runtime.close();
  }
  return out;
}
