/**
 * The loop's depth (src/engine/frame-depth.ts), side by side: neural-field rendered back to back through the same
 * FrameDepth the host uses, at pipelineDepth 1 (each frame read before the next is issued) and 2 (frame n+1 issued
 * before frame n is read), with its sessions in a child process with shared memory (crash isolation, the server's
 * default) and in a worker thread; at 512x512 and 1920x1080; on the CPU provider, and on WebGPU where an adapter
 * answers (Mesa's lavapipe on a machine without a GPU: it runs the shaders on the same cores, so its figures say
 * nothing about a GPU). Depths alternate in rounds so background load hits both alike; each figure is the median
 * of the rounds' mean milliseconds per frame.
 */
import { performance } from 'node:perf_hooks';
import { OrtRuntime } from '../src/runtime/ort';
import { ChildProcessTransport } from '../src/runtime/child-transport';
import { snapshotOf } from '../src/engine/snapshot';
import { FrameDepth } from '../src/engine/frame-depth';
import type { LoopDepth } from '../src/engine/frame-depth';
import type { ParamSnapshot, Pipeline } from '../src/engine/pipeline';
import { neuralField } from '../pipelines/neural-field/neural-field';
import { fmt, median } from './stats';

type Place = 'child' | 'worker';
type Device = 'cpu' | 'webgpu';

interface Row {
  device: Device;
  place: Place;
  width: number;
  height: number;
  /** Median milliseconds per frame by depth. */
  ms: Record<LoopDepth, number>;
}

const runtimeFor = (device: Device, place: Place) =>
  place === 'worker'
    ? new OrtRuntime({ device, worker: true })
    : new OrtRuntime({ device, transport: new ChildProcessTransport({ sharedBytes: 64 * 2 ** 20 }) });

/** Mean milliseconds per frame of `frames` renders at `depth`, every frame read (the one in flight at the end too). */
async function loopMs(
  pipeline: Pipeline,
  params: ParamSnapshot,
  depth: LoopDepth,
  frames: number,
  first: number,
): Promise<number> {
  const fd = new FrameDepth();
  const { width, height } = params;
  const render = (i: number) => {
    const ctx = { time: i / 30, dt: 1 / 30, frameIndex: i, width, height };
    return fd.render(depth, i, {
      render: async () => pipeline.render(ctx, params),
      issue: () => pipeline.issue!(ctx, params),
    });
  };
  // Two frames to fill the loop (the first is rendered whole, the second only issued at depth 2).
  await render(first);
  await render(first + 1);
  const start = performance.now();
  let shown = 0;
  for (let i = 0; i < frames; i++) if (await render(first + 2 + i)) shown++;
  const ms = (performance.now() - start) / frames;
  await fd.flush();
  if (shown !== frames) throw new Error(`${shown} of ${frames} frames came out at depth ${depth}`);
  return ms;
}

export async function loopDepthBench(o: {
  device: Device;
  place: Place;
  width: number;
  height: number;
  frames: number;
  rounds: number;
}): Promise<Row> {
  const runtime = runtimeFor(o.device, o.place);
  const pipeline = neuralField.create() as Pipeline;
  const params = snapshotOf(neuralField.params, { width: o.width, height: o.height }) as unknown as ParamSnapshot;
  try {
    const choice = await runtime.provider();
    if (choice.provider !== o.device) throw new Error(`no ${o.device} here: ${choice.reason}`);
    await pipeline.load({
      width: o.width,
      height: o.height,
      params,
      progress: () => {},
      runtime,
      signal: new AbortController().signal,
      log: () => {},
    });
    const samples: Record<LoopDepth, number[]> = { 1: [], 2: [] };
    let next = 0;
    for (let r = 0; r < o.rounds; r++) {
      for (const depth of r % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) {
        samples[depth].push(await loopMs(pipeline, params, depth, o.frames, next));
        next += o.frames + 2;
      }
    }
    return {
      device: o.device,
      place: o.place,
      width: o.width,
      height: o.height,
      ms: { 1: median(samples[1]), 2: median(samples[2]) },
    };
  } finally {
    await pipeline.unload();
    await runtime.close();
  }
}

export function formatLoopDepth(rows: Row[]): string[] {
  const head = '| provider | sessions in | size | depth 1 ms | depth 2 ms | depth 1 fps | depth 2 fps | 2 vs 1 |';
  const lines = [head, '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of rows) {
    const place = r.place === 'child' ? 'child process (shared memory)' : 'worker thread';
    lines.push(
      `| ${r.device} | ${place} | ${r.width}x${r.height} | ${fmt(r.ms[1])} | ${fmt(r.ms[2])} | ` +
        `${fmt(1000 / r.ms[1], 1)} | ${fmt(1000 / r.ms[2], 1)} | ${fmt(r.ms[1] / r.ms[2])} |`,
    );
  }
  return lines;
}

// Run alone: npx tsx bench/loop-depth.ts [--quick] [--rounds N] [--device cpu|webgpu|both]
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const quick = process.argv.includes('--quick');
  const rounds = Number(arg('--rounds') ?? (quick ? 2 : 4));
  const deviceArg = arg('--device') ?? 'cpu';
  const devices: Device[] = deviceArg === 'both' ? ['cpu', 'webgpu'] : [deviceArg as Device];
  const rows: Row[] = [];
  console.log(`${new Date().toISOString()} npx tsx bench/loop-depth.ts ${process.argv.slice(2).join(' ')}`);
  for (const device of devices) {
    for (const [width, height] of [
      [512, 512],
      [1920, 1080],
    ] as const) {
      for (const place of ['child', 'worker'] as const) {
        const frames = quick ? 10 : width > 512 ? 30 : 100;
        try {
          rows.push(await loopDepthBench({ device, place, width, height, frames, rounds }));
          console.log(formatLoopDepth(rows.slice(-1)).at(-1));
        } catch (err) {
          console.log(`| ${device} | ${place} | ${width}x${height} | did not run: ${(err as Error).message} |`);
        }
      }
    }
  }
  console.log(formatLoopDepth(rows).join('\n'));
}
