/**
 * ar-video benchmark: block time, frames/s, host<->device bytes per block and cache memory of the autoregressive
 * video loop, on the tiny contract graphs (CPU, and the WebGPU provider) and on the Wan2.1-1.3B-shaped stand-in
 * block on a GPU, with the published figures beside.
 *   npx tsx bench/ar-video.ts [--device webgpu|cuda|cpu] [--blocks 6] [--standin-layers 30] [--no-standin]
 */
import { pathToFileURL } from 'node:url';
import { modelsDir } from '../src/files';
import { OrtRuntime } from '../src/runtime/ort';
import type { DeviceRequest } from '../src/runtime/providers';
import { ArModel } from '../pipelines/ar-video/ar-model';
import { ArStream } from '../pipelines/ar-video/ar-stream';
import { floatTensor } from '../pipelines/ar-video/device';
import { wan13b } from '../pipelines/ar-video/standin/wan-block';
import type { WanShape } from '../pipelines/ar-video/standin/wan-block';
import { writeStandinExport } from '../pipelines/ar-video/standin/write';
import { writeTinyExport } from '../pipelines/ar-video/tiny/write';
import { longliveSpec } from '../pipelines/longlive/longlive';
import { streamDiffusionV2Spec } from '../pipelines/streamdiffusionv2/streamdiffusionv2';
import { fmt } from './stats';

export interface ArVideoBenchOptions {
  /** Provider of the full-size stand-in run; none when it is 'cpu' (minutes per block). */
  device: DeviceRequest | 'webgpu';
  blocks: number;
  /** Layers of the stand-in (30 is Wan2.1-1.3B). */
  standinLayers: number;
  standin: boolean;
}

export interface ArVideoRow {
  label: string;
  provider: string;
  blockMs: number;
  fps: number;
  toDevice: number;
  toHost: number;
  pixels: number;
  cacheBytes: number;
}

const defaults: ArVideoBenchOptions = { device: 'cpu', blocks: 6, standinLayers: 30, standin: true };
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;

/** Tiny text-to-video (LongLive layout) or video-to-video (StreamDiffusionV2 layout) blocks on one provider. */
async function tinyRun(label: string, video: boolean, device: 'cpu' | 'webgpu', blocks: number): Promise<ArVideoRow> {
  const runtime = new OrtRuntime({ device: device as DeviceRequest });
  const spec = video ? streamDiffusionV2Spec : longliveSpec;
  try {
    const dir = await writeTinyExport({ ...spec.tiny, width: 256, height: 256 });
    const model = await ArModel.open(runtime, dir, { decoder: 'full', encoder: video });
    const stream = new ArStream(model, spec.stream);
    await stream.init();
    const c = model.config;
    await stream.setConditioning({ hidden: new Float32Array(c.text.length * c.text.dim) });
    const settings = { steps: c.schedule.steps, commit: video ? ('per-step' as const) : ('clean' as const), seed: 1 };
    const grey = new Float32Array(3 * c.width * c.height);
    const rows = [];
    // Two warm-up blocks: kernel compilation, and the stream's first chunk (1 + 4 frames, 2 latent frames).
    for (let b = 0; b < blocks + 2; b++) {
      const chunk = new Array<Float32Array>(b === 0 ? 1 + c.framesPerLatent : c.framesPerLatent).fill(grey);
      const r = video ? await stream.videoBlock(settings, chunk, 0.7, 600) : await stream.textBlock(settings);
      if (b >= 2) rows.push(r);
    }
    const frames = rows[0]!.frames.length;
    const ms = median(rows.map((r) => r.ms));
    const row = {
      label,
      provider: runtime.executionProvider,
      blockMs: ms,
      fps: (frames * 1000) / ms,
      toDevice: median(rows.map((r) => r.traffic.toDeviceBytes)),
      toHost: median(rows.map((r) => r.traffic.toHostBytes)),
      pixels: rows[0]!.pixelBytes,
      // Every bank: per-step (the video default) keeps one cache per denoising step.
      cacheBytes: stream.cache.bytes,
    };
    await stream.close();
    await model.close();
    return row;
  } finally {
    await runtime.close();
  }
}

export interface StandinResult {
  provider: string;
  layers: number;
  forwardMs: number;
  blockMs: number;
  fps: number;
  toDevice: number;
  toHost: number;
  cacheBytes: number;
  keptBytes: number;
}

/** The Wan-shaped block, LongLive's loop (4 steps + clean pass per 3-frame block), no VAE: the DiT's share. */
export async function standinRun(
  device: DeviceRequest,
  layers: number,
  blocks: number,
  shape: WanShape = wan13b,
  root = modelsDir(),
): Promise<StandinResult> {
  const runtime = new OrtRuntime({ device });
  try {
    const cache = { sinkFrames: 3, windowFrames: shape.slots + 3, blockFrames: 3 };
    const dir = await writeStandinExport({ shape: { ...shape, layers }, cache }, root);
    const model = await ArModel.open(runtime, dir, { decoder: 'none', encoder: false });
    const stream = new ArStream(model, longliveSpec.stream);
    await stream.init();
    const c = model.config;
    const zeros = new Float32Array(c.text.length * c.text.dim);
    const context = await model.device.upload(floatTensor(zeros, [1, c.text.length, c.text.dim], c.dtype));
    const times: number[] = [];
    let traffic = { toDeviceBytes: 0, toHostBytes: 0 };
    for (let b = 0; b < blocks + 1; b++) {
      const placed = stream.cache.policy.place(3);
      const before = model.device.transfers();
      const started = performance.now();
      const start = await model.device.upload(
        floatTensor(stream.noise(1, b, 0, 3), stream.runner.latentDims(3), c.dtype),
      );
      const x0 = await stream.runner.generate({
        positions: placed.positions,
        steps: stream.steps(c.schedule.steps),
        context,
        start,
        noise: (i) => stream.noise(1, b, i, 3),
        commit: 'clean',
      });
      // Reading one latent frame back waits for the GPU to finish the block.
      const first = await model.ops.gather(x0, [0]);
      await model.device.read(first);
      const ms = performance.now() - started;
      await model.device.release([x0, first]);
      const after = model.device.transfers();
      if (b > 0) {
        times.push(ms);
        traffic = {
          toDeviceBytes: after.toDeviceBytes - before.toDeviceBytes,
          toHostBytes: after.toHostBytes - before.toHostBytes,
        };
      }
    }
    const blockMs = median(times);
    const result = {
      provider: runtime.executionProvider,
      layers,
      forwardMs: blockMs / 5,
      blockMs,
      fps: (12 * 1000) / blockMs,
      toDevice: traffic.toDeviceBytes,
      toHost: traffic.toHostBytes,
      cacheBytes: stream.cache.kvBytes,
      keptBytes: runtime.handleStats().bytes,
    };
    await model.device.release([context]);
    await stream.close();
    await model.close();
    return result;
  } finally {
    await runtime.close();
  }
}

export interface ArVideoBenchResult {
  tiny: ArVideoRow[];
  standin: StandinResult | string;
}

export async function arVideoBench(options: Partial<ArVideoBenchOptions> = {}): Promise<ArVideoBenchResult> {
  const o = { ...defaults, ...options } satisfies ArVideoBenchOptions;
  const tiny: ArVideoRow[] = [];
  for (const device of ['cpu', 'webgpu'] as const) {
    tiny.push(await tinyRun('longlive layout, text to video', false, device, o.blocks));
    tiny.push(await tinyRun('streamdiffusionv2 layout, video to video', true, device, o.blocks));
  }
  let standin: StandinResult | string = 'not run: give --device webgpu (or cuda) on a machine with a GPU';
  if (o.standin && o.device !== 'cpu')
    standin = await standinRun(o.device as DeviceRequest, o.standinLayers, Math.min(o.blocks, 4));
  return { tiny, standin };
}

const kb = (b: number) => `${fmt(b / 1024, 1)} KiB`;
const gib = (b: number) => `${fmt(b / 2 ** 30, 2)} GiB`;

export function formatArVideo(r: ArVideoBenchResult): string {
  const lines = ['ar-video blocks (LongLive: 3 latent frames = 12 video frames a block; StreamDiffusionV2: 1 = 4):'];
  lines.push('  tiny contract graphs, 256x256 (closed form, no weights):');
  for (const t of r.tiny) {
    const traffic =
      t.provider === 'cpu'
        ? 'no host<->device copies (CPU provider)'
        : `per block to device ${kb(t.toDevice)}, to host ${kb(t.toHost)}`;
    lines.push(
      `    ${t.label}, ${t.provider}: block p50 ${fmt(t.blockMs, 1)} ms = ${fmt(t.fps, 1)} fps; ${traffic} (decoded pixels ${kb(t.pixels)})`,
    );
  }
  if (typeof r.standin === 'string') {
    lines.push(`  Wan2.1-1.3B-shaped stand-in: ${r.standin}`);
  } else {
    const s = r.standin;
    lines.push(
      `  Wan2.1-1.3B-shaped stand-in, 480x832, ${s.layers} of 30 layers, float16, ${s.provider}: forward ${fmt(s.forwardMs, 1)} ms, block (4 steps + clean pass) ${fmt(s.blockMs, 1)} ms = ${fmt(s.fps, 1)} fps of the DiT alone; per block to device ${kb(s.toDevice)}, to host ${kb(s.toHost)}; K/V cache ${gib(s.cacheBytes)}, kept on the device ${gib(s.keptBytes)}`,
    );
  }
  lines.push(
    '  published: LongLive 1.3B 20.7 fps on one H100 (24.8 fp8; LongLive README); StreamDiffusionV2 1.3B 64.52 fps on 4x H100 (arXiv 2511.07399), 20.5 fps at 480p on one H100 (issue 17); a LongLive block is ~5 x 28 TFLOP',
  );
  return lines.join('\n');
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await arVideoBench({
    device: (flag('device') ?? 'cpu') as DeviceRequest,
    blocks: Number(flag('blocks') ?? defaults.blocks),
    standinLayers: Number(flag('standin-layers') ?? defaults.standinLayers),
    standin: !process.argv.includes('--no-standin'),
  });
  console.log(formatArVideo(result));
}
