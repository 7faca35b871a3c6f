/**
 * Loop frame rate while each attack of issue 10 runs, beside the rate just before it (target: within 5 %). The
 * attacker is a worker thread, as another process on the machine would be: it shares the CPU, not the event loop.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { encodeMessage } from '../control/osc/codec';
import { liveScope } from './scope';
import { sleep } from './stats';

export type AttackKind =
  | 'foreign-origin'
  | 'bad-host'
  | 'chunked-body'
  | 'chunked-control'
  | 'refused-body'
  | 'ws-oversized'
  | 'oscquery-origin'
  | 'osc-bundles';

export interface AttackStep {
  attack: AttackKind;
  /** Requests, messages or datagrams the attacker got out. */
  attempts: number;
  baselineFps: number;
  attackFps: number;
  ratio: number;
}

const ATTACKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const dgram = require('node:dgram');
const WebSocket = require(workerData.wsPath);
const { kind, port, oscPort, queryPort, seconds, bundle } = workerData;
const end = performance.now() + seconds * 1000;
let attempts = 0;
let sink;
let sinkPort;
const live = () => performance.now() < end;
const req = (options, body) => new Promise((resolve) => {
  const r = http.request({ host: '127.0.0.1', port, ...options }, (res) => { res.resume(); res.on('end', resolve); });
  r.on('error', resolve);
  r.end(body);
});
const workers = {
  'foreign-origin': async () => { while (live()) { attempts++; await req({ path: '/api/v1/pipeline/load', method: 'POST',
    headers: { origin: 'http://evil.example', 'content-type': 'text/plain' } }, '{"pipeline_id":"test-pattern"}'); } },
  'bad-host': async () => { while (live()) { attempts++; await req({ path: '/api/v1/parameters',
    headers: { host: 'evil.example:' + port } }); } },
  'chunked-body': async (target = port, path = '/whep', extra = {}) => { while (live()) { attempts++; await new Promise((resolve) => {
    const r = http.request({ host: '127.0.0.1', port: target, path, method: 'POST',
      headers: { 'content-type': 'application/sdp', 'transfer-encoding': 'chunked', ...extra } }, (res) => { res.resume(); r.destroy(); resolve(); });
    r.on('error', resolve); r.on('close', resolve);
    const chunk = Buffer.alloc(64 * 1024, 97); let sent = 0;
    const pump = () => { while (sent < 300 * 1024 * 1024 && !r.destroyed) { sent += chunk.length; if (!r.write(chunk)) return r.once('drain', pump); } };
    pump(); }); } },
  // The same bytes into a server of the attacker's own that refuses as ours does (413 past 64 KiB, then close):
  // what the attacker alone costs the machine, whatever server it attacks.
  'chunked-control': async () => {
    sinkPort ??= new Promise((resolve) => { sink = http.createServer((req, res) => { let n = 0; req.on('data', (d) => {
      n += d.length; if (n > 65536 && !res.headersSent) { res.writeHead(413, { connection: 'close' }); res.end(); } }); });
      sink.listen(0, '127.0.0.1', () => resolve(sink.address().port)); });
    await workers['chunked-body'](await sinkPort); },
  // A page of another origin POSTing a 300 MB body: refused by the guard before any of it is read.
  'refused-body': () => workers['chunked-body'](port, '/api/v1/pipeline/load', { origin: 'http://evil.example' }),
  'ws-oversized': async () => { const big = 'x'.repeat(512 * 1024); while (live()) { attempts++; await new Promise((resolve) => {
    const ws = new WebSocket('ws://127.0.0.1:' + port + '/ws');
    ws.on('open', () => ws.send(JSON.stringify({ type: 'set', params: { speed: 2 }, pad: big })));
    ws.on('close', resolve); ws.on('error', resolve); }); } },
  'oscquery-origin': async () => { while (live()) { attempts++; await new Promise((resolve) => {
    const ws = new WebSocket('ws://127.0.0.1:' + queryPort + '/', { headers: { origin: 'http://evil.example' } });
    ws.on('open', () => ws.close()); ws.on('close', resolve); ws.on('error', resolve); ws.on('unexpected-response', resolve); }); } },
  'osc-bundles': async () => { const socket = dgram.createSocket('udp4');
    // 1,500 bundles of 60 KB each 2 s, the flood of the issue, tagged 9 s ahead as it goes.
    while (live()) { const t = Date.now() + 9000; const tag = Buffer.from(bundle); tag.writeUInt32BE(Math.floor(t / 1000) + 2208988800, 8);
      await new Promise((r) => socket.send(tag, oscPort, '127.0.0.1', r)); attempts++;
      if (attempts % 750 === 0) await new Promise((r) => setTimeout(r, 1000)); }
    socket.close(); },
};
const concurrency = kind === 'osc-bundles' ? 1 : 4;
Promise.all(Array.from({ length: concurrency }, () => workers[kind]())).then(() => { sink?.close(); parentPort.postMessage({ attempts }); });
`;

/** A 60 KB OSC bundle; the attacker rewrites its timetag as it sends. */
function bundleTemplate(): Uint8Array {
  const message = encodeMessage({ address: '/scope/hue', args: [{ type: 's', value: 'x'.repeat(60_000) }] });
  const head = Buffer.alloc(20);
  head.write('#bundle\0', 0);
  head.writeInt32BE(message.length, 16);
  return Buffer.concat([head, message]);
}

function attack(kind: AttackKind, ports: { port: number; oscPort: number; queryPort: number }, seconds: number) {
  const wsPath = createRequire(import.meta.url).resolve('ws');
  return new Promise<number>((resolve, reject) => {
    const worker = new Worker(ATTACKER, {
      eval: true,
      workerData: { kind, ...ports, seconds, bundle: bundleTemplate(), wsPath },
    });
    worker.once('message', (m: { attempts: number }) => resolve(m.attempts));
    worker.once('error', reject);
  });
}

/** For each attack: frames per second in the `seconds` before it and while it runs. */
export async function securityBench(o: {
  pipeline: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  attacks?: AttackKind[];
}): Promise<AttackStep[]> {
  const scope = await liveScope(o);
  const kinds: AttackKind[] = o.attacks ?? [
    'foreign-origin',
    'bad-host',
    'chunked-body',
    'chunked-control',
    'refused-body',
    'ws-oversized',
    'oscquery-origin',
    'osc-bundles',
  ];
  const framesOver = async (run: () => Promise<unknown>) => {
    const f0 = scope.services.engine.getStats().frames;
    const t0 = performance.now();
    const result = await run();
    return { fps: (scope.services.engine.getStats().frames - f0) / ((performance.now() - t0) / 1000), result };
  };
  try {
    await sleep(1000);
    const ports = { port: scope.port, oscPort: scope.osc!.port, queryPort: scope.oscQuery!.port };
    const steps: AttackStep[] = [];
    for (const kind of kinds) {
      const baseline = await framesOver(() => sleep(o.seconds * 1000));
      const during = await framesOver(() => attack(kind, ports, o.seconds));
      // Held bundles and half-read bodies drain before the next baseline.
      await sleep(1500);
      steps.push({
        attack: kind,
        attempts: during.result as number,
        baselineFps: baseline.fps,
        attackFps: during.fps,
        ratio: during.fps / baseline.fps,
      });
    }
    return steps;
  } finally {
    await scope.stop();
  }
}

/** The bench's lines for the report. */
export function formatSecurity(steps: AttackStep[]): string[] {
  return [
    'loop fps while each attack runs, neural-field 512x512 at 30 fps (target: within 5 % of the seconds before):',
    ...steps.map(
      (s) =>
        `  ${s.attack.padEnd(16)} ${String(s.attempts).padStart(6)} attempts: ${s.attackFps.toFixed(2)} fps vs ${s.baselineFps.toFixed(2)} before = ${s.ratio.toFixed(3)}`,
    ),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-')) as AttackKind[];
  const steps = await securityBench({
    pipeline: 'neural-field',
    width: 512,
    height: 512,
    fps: 30,
    seconds: 4,
    ...(only.length > 0 ? { attacks: only } : {}),
  });
  console.log(formatSecurity(steps).join('\n'));
  process.exit(0);
}
