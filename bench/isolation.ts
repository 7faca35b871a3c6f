/**
 * The cost of crash isolation: the same neural-field session run through the worker thread and through a child
 * process (its frame, 1 MiB of RGBA at 512x512, crosses the process boundary by IPC), alternating in rounds so
 * background load hits both alike; and the bare round trip of 1 MiB each way through each transport.
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

export interface IsolationResult {
  /** Milliseconds per neural-field frame (session.run and its 1 MiB frame back), by transport. */
  frameMs: { worker: number; child: number };
  /** Milliseconds per round trip of an Identity over 1 MiB of bytes (1 MiB out, 1 MiB back). */
  echoMs: { worker: number; child: number };
  rounds: number;
  size: number;
}

type Kind = 'worker' | 'child';
const runtimeFor = (kind: Kind) =>
  kind === 'worker'
    ? new OrtRuntime({ device: 'cpu', worker: true })
    : new OrtRuntime({ device: 'cpu', transport: new ChildProcessTransport() });

/** Mean milliseconds per call of `run` over `frames` calls, after 10 to warm up. */
async function timed(run: (i: number) => Promise<unknown>, frames: number): Promise<number> {
  for (let i = 0; i < 10; i++) await run(i);
  const start = performance.now();
  for (let i = 0; i < frames; i++) await run(i);
  return (performance.now() - start) / frames;
}

async function fieldFrameMs(kind: Kind, size: number, frames: number): Promise<number> {
  const runtime = runtimeFor(kind);
  try {
    const params = snapshotOf(neuralField.params, { width: size, height: size });
    const session = await runtime.createSession(buildFieldNet(fieldNetOptions(size, size, params)), {
      hostOutputs: ['rgba'],
    });
    const inputs = new FrameInputs(params.seed, LATENT_SIZE);
    const feeds = fieldFeeds(inputs);
    return await timed(async (i) => {
      inputs.update(i / 30, params);
      await session.run(feeds);
    }, frames);
  } finally {
    await runtime.close();
  }
}

async function echoMs(kind: Kind, bytes: number, frames: number): Promise<number> {
  const runtime = runtimeFor(kind);
  try {
    const g = new GraphBuilder('echo');
    g.output(g.op('Identity', [g.input('x', 'uint8', [bytes])]), 'y', 'uint8', [bytes]);
    const session = await runtime.createSession(g.toBytes());
    const x = { type: 'uint8', data: new Uint8Array(bytes), dims: [bytes] };
    return await timed(() => session.run({ x }), frames);
  } finally {
    await runtime.close();
  }
}

export async function isolationBench(o: { size: number; frames: number; rounds: number }): Promise<IsolationResult> {
  const frame: Record<Kind, number[]> = { worker: [], child: [] };
  const echo: Record<Kind, number[]> = { worker: [], child: [] };
  for (let r = 0; r < o.rounds; r++) {
    for (const kind of ['worker', 'child'] as const) {
      frame[kind].push(await fieldFrameMs(kind, o.size, o.frames));
      echo[kind].push(await echoMs(kind, o.size * o.size * 4, o.frames));
    }
  }
  return {
    frameMs: { worker: median(frame.worker), child: median(frame.child) },
    echoMs: { worker: median(echo.worker), child: median(echo.child) },
    rounds: o.rounds,
    size: o.size,
  };
}

export function formatIsolation(r: IsolationResult): string[] {
  const mib = (r.size * r.size * 4) / 2 ** 20;
  return [
    `crash isolation, neural-field ${r.size}x${r.size} (${fmt(mib, 1)} MiB frame), median of ${r.rounds} alternating rounds:`,
    `  per frame: worker thread ${fmt(r.frameMs.worker)} ms, child process ${fmt(r.frameMs.child)} ms ` +
      `(child / worker ${fmt(r.frameMs.child / r.frameMs.worker, 3)}; ${r.frameMs.child >= r.frameMs.worker ? '+' : ''}${fmt(r.frameMs.child - r.frameMs.worker)} ms)`,
    `  ${fmt(mib, 1)} MiB out and back (Identity): worker thread ${fmt(r.echoMs.worker)} ms, child process ${fmt(r.echoMs.child)} ms`,
  ];
}

// Run alone: npx tsx bench/isolation.ts [--quick]
if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const result = await isolationBench({ size: 512, frames: quick ? 30 : 150, rounds: quick ? 1 : 3 });
  console.log(formatIsolation(result).join('\n'));
}
