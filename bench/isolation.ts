/**
 * The cost of crash isolation: the same neural-field session run through the worker thread, through a child
 * process with its frames on the IPC pipe, and through a child process with its frames in shared memory
 * (shared-frames.ts), alternating in rounds so background load hits all alike; the bare round trip of a frame's
 * bytes each way; and a frame's bytes coming back alone (a graph with a one-byte input), at 512x512 and 1080p.
 * On the CPU provider or on WebGPU (`--device webgpu`), every frame a host output the session returns.
 */
import { performance } from 'node:perf_hooks';
import { OrtRuntime } from '../src/runtime/ort';
import { ChildProcessTransport } from '../src/runtime/child-transport';
import { GraphBuilder } from '../src/runtime/graph-builder';
import { snapshotOf } from '../src/engine/snapshot';
import { buildFieldNet } from '../pipelines/neural-field/graph';
import { FrameInputs } from '../pipelines/neural-field/frame-inputs';
import { LATENT_SIZE, fieldFeeds, fieldNetOptions, neuralField } from '../pipelines/neural-field/neural-field';
import { fmt, median } from './stats';
import { formatHandoverSteps, handoverSteps } from './handover-steps';

const kinds = ['bare', 'worker', 'child', 'copied', 'shared'] as const;
type Kind = (typeof kinds)[number];
const names: Record<Kind, string> = {
  bare: 'this thread',
  worker: 'worker thread',
  child: 'child process, pipe',
  copied: 'child, shared memory copied in (before)',
  shared: 'child, shared memory written in place (after)',
};

/** The execution provider the sessions run on. */
export type BenchDevice = 'cpu' | 'webgpu';

export interface IsolationResult {
  /** Milliseconds per neural-field frame (session.run and its RGBA frame back), by transport. */
  frameMs: Record<Kind, number>;
  /** Milliseconds per round trip of an Identity over a frame's bytes (out and back). */
  echoMs: Record<Kind, number>;
  /** Milliseconds per run of a graph that makes a frame's bytes from one byte: the frame coming back alone. */
  backMs: Record<Kind, number>;
  rounds: number;
  width: number;
  height: number;
  device: BenchDevice;
}

const runtimeFor = (kind: Kind, device: BenchDevice) =>
  kind === 'bare' || kind === 'worker'
    ? new OrtRuntime({ device, worker: kind === 'worker' })
    : new OrtRuntime({
        device,
        transport: new ChildProcessTransport({
          sharedBytes: kind === 'child' ? 0 : 64 * 2 ** 20,
          directOutputs: kind === 'shared',
        }),
      });

/** Mean milliseconds per call of `run` over `frames` calls, after 10 to warm up. */
async function timed(run: (i: number) => Promise<unknown>, frames: number): Promise<number> {
  for (let i = 0; i < 10; i++) await run(i);
  const start = performance.now();
  for (let i = 0; i < frames; i++) await run(i);
  return (performance.now() - start) / frames;
}

async function fieldFrameMs(runtime: OrtRuntime, width: number, height: number, frames: number): Promise<number> {
  const params = snapshotOf(neuralField.params, { width, height });
  const session = await runtime.createSession(buildFieldNet(fieldNetOptions(width, height, params)), {
    hostOutputs: ['rgba'],
  });
  const inputs = new FrameInputs(params.seed, LATENT_SIZE);
  const feeds = fieldFeeds(inputs);
  return timed(async (i) => {
    inputs.update(i / 30, params);
    await session.run(feeds);
  }, frames);
}

async function echoMs(runtime: OrtRuntime, bytes: number, frames: number): Promise<number> {
  const g = new GraphBuilder('echo');
  g.output(g.op('Identity', [g.input('x', 'uint8', [bytes])]), 'y', 'uint8', [bytes]);
  const session = await runtime.createSession(g.toBytes(), { hostOutputs: ['y'] });
  const x = { type: 'uint8', data: new Uint8Array(bytes), dims: [bytes] };
  return timed(() => session.run({ x }), frames);
}

async function backMs(runtime: OrtRuntime, bytes: number, frames: number): Promise<number> {
  const g = new GraphBuilder('frame_back');
  g.output(g.op('Expand', [g.input('x', 'uint8', [1]), g.int64s('shape', [bytes])]), 'y', 'uint8', [bytes]);
  const session = await runtime.createSession(g.toBytes(), { hostOutputs: ['y'] });
  const x = { type: 'uint8', data: Uint8Array.of(7), dims: [1] };
  return timed(() => session.run({ x }), frames);
}

export async function isolationBench(o: {
  size?: number;
  width?: number;
  height?: number;
  frames: number;
  rounds: number;
  device?: BenchDevice;
  /** Leave out the neural-field frame (its graph's own time; on a software adapter it dwarfs the rest). */
  noField?: boolean;
}): Promise<IsolationResult> {
  const device = o.device ?? 'cpu';
  const width = o.width ?? o.size ?? 512;
  const height = o.height ?? o.size ?? 512;
  const bytes = width * height * 4;
  const runs = { frame: new Map<Kind, number[]>(), echo: new Map<Kind, number[]>(), back: new Map<Kind, number[]>() };
  const add = (m: Map<Kind, number[]>, k: Kind, v: number) => m.set(k, [...(m.get(k) ?? []), v]);
  for (let r = 0; r < o.rounds; r++) {
    for (const kind of kinds) {
      const runtime = runtimeFor(kind, device);
      try {
        add(runs.frame, kind, o.noField ? NaN : await fieldFrameMs(runtime, width, height, o.frames));
        add(runs.echo, kind, await echoMs(runtime, bytes, o.frames));
        add(runs.back, kind, await backMs(runtime, bytes, o.frames));
      } finally {
        await runtime.close();
      }
    }
  }
  const medians = (m: Map<Kind, number[]>) =>
    Object.fromEntries(kinds.map((k) => [k, median(m.get(k)!)])) as Record<Kind, number>;
  return {
    frameMs: medians(runs.frame),
    echoMs: medians(runs.echo),
    backMs: medians(runs.back),
    rounds: o.rounds,
    width,
    height,
    device,
  };
}

export function formatIsolation(r: IsolationResult): string[] {
  const mib = (r.width * r.height * 4) / 2 ** 20;
  const row = (what: string, ms: Record<Kind, number>) =>
    `  ${what}: ` +
    kinds.map((k) => `${names[k]} ${fmt(ms[k])} ms`).join(', ') +
    ` (pipe / worker ${fmt(ms.child / ms.worker, 3)}, shared / worker ${fmt(ms.shared / ms.worker, 3)})`;
  // The handover: what a frame coming back costs beyond the same run in this thread.
  const handover = kinds
    .filter((k) => k !== 'bare')
    .map((k) => `${names[k]} ${fmt(r.backMs[k] - r.backMs.bare)} ms`)
    .join(', ');
  return [
    `crash isolation on ${r.device}, neural-field ${r.width}x${r.height} (${fmt(mib, 1)} MiB frame), median of ${r.rounds} alternating rounds:`,
    ...(Number.isNaN(r.frameMs.bare) ? [] : [row('per frame', r.frameMs)]),
    row(`${fmt(mib, 1)} MiB out and back (Identity)`, r.echoMs),
    row(`${fmt(mib, 1)} MiB back alone (Expand of one byte)`, r.backMs),
    `  the handover (back alone, less the same run in this thread): ${handover}`,
  ];
}

// Run alone: npx tsx bench/isolation.ts [--quick] [--rounds N] [--device cpu|webgpu] [--no-field]
// (512x512 and 1920x1080, with the handover's steps)
if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const noField = process.argv.includes('--no-field');
  const at = process.argv.indexOf('--rounds');
  const rounds = at > 0 ? Number(process.argv[at + 1]) : quick ? 1 : 3;
  const device = process.argv[process.argv.indexOf('--device') + 1] === 'webgpu' ? 'webgpu' : 'cpu';
  for (const [width, height] of [
    [512, 512],
    [1920, 1080],
  ] as const) {
    const frames = quick ? 20 : width > 512 ? 40 : 150;
    const result = await isolationBench({ width, height, frames, rounds, device, noField });
    console.log(formatIsolation(result).join('\n'));
    console.log(formatHandoverSteps(await handoverSteps(width * height * 4, frames * rounds, device)).join('\n'));
  }
}
