/**
 * The soak bench: the server as `npm start` runs it (its own process, crash isolation on, fault injection on), for
 * N minutes at 30 fps with 2 WHEP viewers, 2 MJPEG clients, 1 WebSocket, OSC at 2,000 messages/s, a pipeline switch
 * every 30 s (every other one a crossfade between two warm pipelines) and a fault every 20 s (throw, wrong size,
 * hang, leak, crash). Sampled each second from outside: its RSS and open file descriptors (/proc), its frames
 * published and dropped and its memory monitor's total (/api/v1/stats), the watchdog's transitions.
 * `npx tsx bench/soak.ts [--minutes 10]` alone, or `npm run bench -- --soak [--minutes N]`.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { encodeMessage } from '../control/osc/codec';
import { whepViewer } from '../outputs/webrtc/test-viewer';
import { fmt, median, percentile, sleep } from './stats';
import { rssOf } from '../src/runtime/process-memory';
import { freePort, waitFor } from '../src/server/test-support';
import { numberTextSchema } from '../src/shared/numbers';
import type { Fault } from '../src/shared/faults';
import type { Stats } from '../src/shared/api';

export interface SoakOptions {
  minutes: number;
  width: number;
  height: number;
  log: (m: string) => void;
}

export interface SoakResult {
  seconds: number;
  size: string;
  /** Frames published in each second after warm-up. */
  fps: { min: number; p1: number; median: number };
  dropped: number;
  /** Frames sent again (a render late or failed): the outputs held their rate with the last good frame. */
  repeated: number;
  rss: { warm: number; end: number; growthPercent: number };
  /** The server and its pipelines' processes together (the memory monitor's total). */
  total: { warm: number; end: number; growthPercent: number };
  fds: { warm: number; end: number };
  serverCrashes: number;
  /** Pipeline processes lost (injected crashes included) and renders past the watchdog, from the transitions. */
  pipelineCrashes: number;
  hangs: number;
  faults: number;
  switches: number;
  osc: { sent: number; perSecond: number };
  clients: { whepDecoded: number[]; mjpegBytes: number[]; wsMessages: number };
  /** Each loaded pipeline's process at the end, as the memory monitor saw it. */
  pipelines: { id: string; role: string; rss: number | null }[];
}

const FAULTS: Fault[] = [
  { kind: 'throw', frames: 3 },
  { kind: 'wrong-size', frames: 2 },
  { kind: 'hang', seconds: 3 },
  { kind: 'leak', megabytes: 50, frames: 1 },
  { kind: 'crash' },
];

async function procFigures(pid: number): Promise<{ rss: number; fds: number }> {
  return { rss: (await rssOf(pid)) ?? 0, fds: (await readdir(`/proc/${pid}/fd`)).length };
}

const growth = (from: number, to: number) => ((to - from) / from) * 100;

export async function soakBench(o: SoakOptions): Promise<SoakResult> {
  const port = await freePort('tcp');
  const oscPort = await freePort('udp');
  const url = `http://127.0.0.1:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'soak-'));
  const args = ['src/bin.mjs', '--port', String(port), '--osc-port', String(oscPort), '--oscquery-port', 'off'];
  args.push('--no-midi', '--pipeline', 'neural-field', '--fps', '30', '--warm', '1');
  args.push('--width', String(o.width), '--height', String(o.height));
  const server = spawn(process.execPath, args, {
    env: { ...process.env, DAYDREAM_SCOPE_FAULTS: '1', DAYDREAM_SCOPE_CONFIG_DIR: dir, DAYDREAM_SCOPE_MIDI: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (b: Buffer) => output.push(...b.toString().split('\n').filter(Boolean));
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  let serverCrashes = 0;
  let stopping = false;
  server.on('exit', (code, signal) => {
    if (!stopping) {
      serverCrashes++;
      o.log(`soak: the server ended (${signal ?? code}); last lines:\n${output.slice(-20).join('\n')}`);
    }
  });
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${url}${path}`, init);
    return (await res.json()) as T;
  };
  const post = (path: string, body: unknown) =>
    api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const cleanups: (() => unknown)[] = [];
  try {
    const ready = async () => {
      if (serverCrashes > 0) throw new Error('the server did not start');
      const status = await api<{ state: string }>('/api/v1/pipeline/status').catch(() => null);
      return status?.state === 'ready';
    };
    await waitFor(ready, 60_000, 'the server to be ready').catch((err: Error) => {
      throw new Error(`${err.message}:\n${output.slice(-20).join('\n')}`);
    });
    o.log(`soak: server pid ${server.pid} on ${url}; clients connecting …`);
    const viewers = [await whepViewer(url), await whepViewer(url)];
    cleanups.push(() => Promise.all(viewers.map((v) => v.close())));
    const mjpegBytes = [0, 0];
    for (const i of [0, 1]) {
      const abort = new AbortController();
      cleanups.push(() => abort.abort());
      void fetch(`${url}/api/v1/stream.mjpeg`, { signal: abort.signal })
        .then(async (res) => {
          const reader = res.body!.getReader();
          for (let r = await reader.read(); !r.done; r = await reader.read()) mjpegBytes[i]! += r.value.length;
        })
        .catch(() => {});
    }
    let wsMessages = 0;
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    ws.on('message', () => wsMessages++);
    ws.on('error', () => {});
    cleanups.push(() => ws.close());
    const osc = createSocket('udp4');
    cleanups.push(() => osc.close());
    let oscSent = 0;
    const oscStart = performance.now();
    // 2,000 a second, paced by elapsed time so a late timer sends the ones it owes.
    const oscTimer = setInterval(() => {
      const owed = Math.floor((performance.now() - oscStart) * 2) - oscSent;
      for (let k = 0; k < owed; k++) {
        const value = (oscSent++ % 100) / 100 + 0.5;
        osc.send(encodeMessage({ address: '/scope/zoom', args: [{ type: 'f', value }] }), oscPort, '127.0.0.1');
      }
    }, 10);
    cleanups.push(() => clearInterval(oscTimer));

    const seconds = Math.round(o.minutes * 60);
    const warmup = Math.min(60, Math.round(seconds / 4));
    const pipelines = ['test-pattern', 'neural-field'];
    const samples: { fps: number; rss: number; total: number; fds: number }[] = [];
    const crashedAt = new Set<string>();
    const hungAt = new Set<string>();
    let switches = 0;
    let faults = 0;
    let prev = (await api<Stats>('/api/v1/stats')).frames;
    const start = { ...(await api<Stats>('/api/v1/stats')) };
    let prevAt = performance.now();
    for (let s = 1; s <= seconds && serverCrashes === 0; s++) {
      await sleep(1000 - ((performance.now() - prevAt) % 1000));
      if (s % 30 === 0) {
        const fade = switches % 2 === 1 ? { fade_ms: 500 } : {};
        await post('/api/v1/pipeline/load', { pipeline_id: pipelines[switches++ % 2], ...fade });
      }
      if (s % 20 === 10) await post('/api/v1/faults', FAULTS[faults++ % FAULTS.length]);
      const stats = await api<Stats>('/api/v1/stats');
      const now = performance.now();
      const fps = ((stats.frames - prev) * 1000) / (now - prevAt);
      prev = stats.frames;
      prevAt = now;
      const status = await api<{ transitions: { to: string; at: string }[] }>('/api/v1/pipeline/status');
      for (const t of status.transitions) {
        if (t.to === 'crashed') crashedAt.add(t.at);
        if (t.to === 'hung') hungAt.add(t.at);
      }
      const proc = await procFigures(server.pid!);
      if (s > warmup) samples.push({ fps, rss: proc.rss, total: stats.memory?.total ?? proc.rss, fds: proc.fds });
      if (s % 30 === 0)
        o.log(`soak: ${s} s of ${seconds}: ${fmt(fps, 1)} fps, RSS ${Math.round(proc.rss / 2 ** 20)} MB`);
    }
    const end = await api<Stats>('/api/v1/stats');
    const window = Math.min(30, Math.max(1, Math.floor(samples.length / 3)));
    const first = samples.slice(0, window);
    const last = samples.slice(-window);
    const at = (list: typeof samples, key: 'rss' | 'total') => median(list.map((x) => x[key]));
    const fpsList = samples.map((x) => x.fps);
    return {
      seconds,
      size: `${o.width}x${o.height}`,
      fps: { min: Math.min(...fpsList), p1: percentile(fpsList, 0.01), median: median(fpsList) },
      dropped: end.dropped - start.dropped,
      repeated: end.late - start.late,
      rss: { warm: at(first, 'rss'), end: at(last, 'rss'), growthPercent: growth(at(first, 'rss'), at(last, 'rss')) },
      total: {
        warm: at(first, 'total'),
        end: at(last, 'total'),
        growthPercent: growth(at(first, 'total'), at(last, 'total')),
      },
      fds: { warm: first[0]?.fds ?? 0, end: last.at(-1)?.fds ?? 0 },
      serverCrashes,
      pipelineCrashes: crashedAt.size,
      hangs: hungAt.size,
      faults,
      switches,
      osc: { sent: oscSent, perSecond: oscSent / seconds },
      clients: { whepDecoded: viewers.map((v) => v.decoded), mjpegBytes, wsMessages },
      pipelines: (end.memory?.pipelines ?? []).map(({ id, role, rss }) => ({ id, role, rss })),
    };
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
    stopping = true;
    server.kill('SIGTERM');
    await new Promise((r) =>
      server.exitCode !== null || server.signalCode !== null ? r(null) : server.once('exit', r),
    );
    await rm(dir, { recursive: true, force: true });
  }
}

const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;

/** The lines bench/run.ts prints. */
export function formatSoak(r: SoakResult): string[] {
  return [
    `soak, ${fmt(r.seconds / 60, 1)} min, neural-field/test-pattern ${r.size} at 30 fps, 2 WHEP + 2 MJPEG + 1 WS, ` +
      `OSC ${fmt(r.osc.perSecond, 0)} msg/s, ${r.switches} switches, ${r.faults} faults injected:`,
    `  fps min ${fmt(r.fps.min, 1)}, p1 ${fmt(r.fps.p1, 1)} (target >= 28), median ${fmt(r.fps.median, 1)}; ` +
      `dropped ${r.dropped}, sent again (last good frame) ${r.repeated}`,
    `  server RSS ${mb(r.rss.warm)} after warm-up -> ${mb(r.rss.end)} (${fmt(r.rss.growthPercent, 1)} %, target < 10 %); ` +
      `with its pipeline processes ${mb(r.total.warm)} -> ${mb(r.total.end)} (${fmt(r.total.growthPercent, 1)} %)`,
    `  open fds ${r.fds.warm} -> ${r.fds.end}; server crashes ${r.serverCrashes} (target 0); ` +
      `pipeline processes lost ${r.pipelineCrashes}, renders past the watchdog ${r.hangs}`,
    `  clients: WHEP decoded ${r.clients.whepDecoded.join(' / ')} frames, MJPEG ` +
      `${r.clients.mjpegBytes.map(mb).join(' / ')}, WS ${r.clients.wsMessages} messages`,
    `  pipeline processes at the end: ${r.pipelines.map((p) => `${p.id} (${p.role}) ${p.rss === null ? '?' : mb(p.rss)}`).join(', ')}`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--minutes');
  const minutes = i >= 0 ? numberTextSchema.pipe(z.number().positive()).parse(process.argv[i + 1]) : 10;
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const result = await soakBench({ minutes, width: 256, height: 256, log });
  console.log(formatSoak(result).join('\n'));
  // @roamhq/wrtc can crash in its static destructors on a natural exit; leave explicitly.
  process.exit(0);
}
