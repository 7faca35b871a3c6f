/**
 * Loop efficiency (benchmark (a)): frames/s of the whole server (fixed-step clock, every frame rendered back to
 * back, published and counted) over frames/s of bare `session.run` on the same graph and size on the main thread,
 * with no server. The kinds alternate in rounds so that background load hits all alike, and each window runs in a
 * process of its own: V8's garbage collector settles into a mode per process (a few scavenges a second, or a
 * mark-compact every few frames, see docs/shared-frames.md), and a window run after another in the same process
 * inherits the heap that one left. Each window says how many collections it saw.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startScope } from '../src/main';
import { OrtRuntime } from '../src/runtime/ort';
import { childMallocTunables } from '../src/runtime/child-malloc';
import { snapshotOf } from '../src/engine/snapshot';
import { buildFieldNet } from '../pipelines/neural-field/graph';
import { FrameInputs } from '../pipelines/neural-field/frame-inputs';
import { LATENT_SIZE, fieldFeeds, fieldNetOptions, neuralField } from '../pipelines/neural-field/neural-field';
import { median, sleep } from './stats';

/** What is measured in a window: bare session.run here or in a worker thread, or the whole server. */
export type WindowKind = 'bare' | 'worker' | 'server';

/** One measured window: frames per second, and the collections its process made meanwhile. */
export interface Window {
  fps: number;
  gc: { minor: number; major: number; ms: number };
}

export interface EfficiencyResult {
  bareFps: number;
  /** Bare session.run through a worker thread: the cost of the thread hop alone. */
  bareWorkerFps: number;
  serverFps: number;
  ratio: number;
  rounds: number;
  /** Every window, in the order measured (bare, server, bare in a worker, round after round). */
  windows: { kind: WindowKind; window: Window }[];
}

interface Size {
  width: number;
  height: number;
}

/**
 * Medians of `rounds` alternating rounds of bare, server and bare-in-a-worker windows, each in its own process;
 * `depth` is the server's pipelineDepth, and `onWindow` hears each window as it is measured.
 */
export async function loopEfficiency(
  o: Size & {
    seconds: number;
    rounds: number;
    depth?: number;
    /** Bare windows with the malloc settings the server gives its sessions' process (src/runtime/child-malloc.ts). */
    bareMalloc?: boolean;
    onWindow?: (kind: WindowKind, w: Window) => void;
  },
): Promise<EfficiencyResult> {
  const windows: EfficiencyResult['windows'] = [];
  for (let r = 0; r < o.rounds; r++) {
    for (const kind of ['bare', 'server', 'worker'] as const) {
      const server = kind === 'server';
      const window = await windowApart(kind, o, o.seconds, server ? (o.depth ?? 1) : 1, !server && o.bareMalloc);
      windows.push({ kind, window });
      o.onWindow?.(kind, window);
    }
  }
  const fps = (kind: WindowKind) => median(windows.filter((w) => w.kind === kind).map((w) => w.window.fps));
  return {
    bareFps: fps('bare'),
    bareWorkerFps: fps('worker'),
    serverFps: fps('server'),
    ratio: fps('server') / fps('bare'),
    rounds: o.rounds,
    windows,
  };
}

/** Counts this process's garbage collections from now until `stop()`. */
export function gcCounter(): { stop(): Window['gc'] } {
  const counts = { minor: 0, major: 0, ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) counts.major++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) counts.minor++;
      counts.ms += e.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      observer.disconnect();
      return counts;
    },
  };
}

const run = promisify(execFile);
const self = fileURLToPath(import.meta.url);

/** One window measured in a fresh process (this file, with the loader this process runs under). */
async function windowApart(kind: WindowKind, size: Size, seconds: number, depth = 1, malloc = false): Promise<Window> {
  const args = [...process.execArgv, self, '--only', kind, '--json', '--seconds', String(seconds)];
  args.push('--width', String(size.width), '--height', String(size.height), '--depth', String(depth));
  const env = malloc
    ? { ...process.env, GLIBC_TUNABLES: childMallocTunables(process.env.GLIBC_TUNABLES) }
    : process.env;
  const { stdout } = await run(process.execPath, args, { timeout: (seconds + 120) * 1000, env });
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`the ${kind} window printed no result`);
  return JSON.parse(line) as Window;
}

/** One window in this process. */
export function measureWindow(kind: WindowKind, size: Size, seconds: number, depth = 1): Promise<Window> {
  return kind === 'server' ? serverWindow(size, seconds, depth) : bareWindow(size, seconds, kind === 'worker');
}

async function bareWindow({ width, height }: Size, seconds: number, worker: boolean): Promise<Window> {
  const runtime = new OrtRuntime({ worker });
  const params = snapshotOf(neuralField.params, { width, height });
  const session = await runtime.createSession(buildFieldNet(fieldNetOptions(width, height, params)));
  const inputs = new FrameInputs(params.seed, LATENT_SIZE);
  const feeds = fieldFeeds(inputs);
  const render = async (i: number) => {
    inputs.update(i / 30, params);
    await session.run(feeds);
  };
  for (let i = 0; i < 20; i++) await render(i);
  let frames = 0;
  const gc = gcCounter();
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) await render(frames++);
  const window = { fps: frames / ((performance.now() - start) / 1000), gc: gc.stop() };
  await session.release();
  await runtime.close();
  return window;
}

async function serverWindow({ width, height }: Size, seconds: number, depth: number): Promise<Window> {
  const scope = await startScope({
    port: 0,
    width,
    height,
    clock: 'fixed-step',
    pipeline: 'neural-field',
    waitForLoad: true,
    log: () => {},
  });
  try {
    if (depth !== 1) scope.services.params.set('pipelineDepth', depth, 'cli');
    await sleep(500);
    const engine = scope.services.engine;
    const f0 = engine.getStats().frames;
    const gc = gcCounter();
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const frames = engine.getStats().frames - f0;
    return { fps: frames / ((performance.now() - t0) / 1000), gc: gc.stop() };
  } finally {
    await scope.stop();
  }
}

/** One window as a line: frames/s and the collections in it. */
export function formatWindow(kind: string, w: Window): string {
  return `${kind} ${w.fps.toFixed(1)} fps (gc: ${w.gc.minor} minor, ${w.gc.major} major, ${w.gc.ms.toFixed(0)} ms)`;
}

const loadNow = () =>
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;

// Run alone: npx tsx bench/loop-efficiency.ts [--rounds N] [--seconds S] [--depth 2] [--bare-malloc]
// With --only bare|worker|server it measures one window in this process (what each round's processes run).
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const size = { width: arg('width', 512), height: arg('height', 512) };
  const seconds = arg('seconds', 5);
  const depth = arg('depth', 1);
  const at = process.argv.indexOf('--only');
  if (at >= 0) {
    const kind = process.argv[at + 1] as WindowKind;
    const w = await measureWindow(kind, size, seconds, depth);
    console.log(process.argv.includes('--json') ? JSON.stringify(w) : `${formatWindow(kind, w)}, ${loadNow()}`);
  } else {
    const r = await loopEfficiency({
      ...size,
      seconds,
      depth,
      bareMalloc: process.argv.includes('--bare-malloc'),
      rounds: arg('rounds', 3),
      onWindow: (kind, w) => console.log(`  ${formatWindow(kind, w)}, ${loadNow()}`),
    });
    console.log(
      `loop efficiency, neural-field ${size.width}x${size.height}${depth === 1 ? '' : `, pipelineDepth ${depth}`}` +
        `${process.argv.includes('--bare-malloc') ? ", bare with the child's malloc settings" : ''}, ` +
        `median of ${r.rounds} alternating rounds: server ${r.serverFps.toFixed(1)} / bare ${r.bareFps.toFixed(1)} fps` +
        ` = ${r.ratio.toFixed(3)} (bare in a worker ${r.bareWorkerFps.toFixed(1)}; ${loadNow()})`,
    );
  }
  process.exit(0);
}
