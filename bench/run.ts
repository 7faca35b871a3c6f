/**
 * npm run bench — the foundation's figures, each measured side by side in one run and printed last.
 *   --quick   shorter runs (a smoke test of the bench itself)
 *   --device webgpu|cuda|tensorrt   the GPU benches instead of the device-free ones: bench/gpu.ts (CPU vs
 *             device per graph, stand-in streamdiffusion fps, provider options, output layouts; --full runs the
 *             stand-ins on a software adapter too, --size sets their image size, default 512) and the ar-video
 *             blocks with the full-size stand-in on that provider; --only graphs,stream,options,formats,ar runs
 *             some parts, --save-graphs DIR keeps the timed graphs for bench/torch-reference.py (bench/gpu-run.ts)
 *   --soak [--minutes N]   the soak bench alone (bench/soak.ts): N minutes, 10 by default
 */
import { arVideoBench, formatArVideo } from './ar-video';
import { controlLatency } from './control-latency';
import type { LatencyResult } from './control-latency';
import { framePacing } from './frame-pacing';
import { formatWindow, loopEfficiency } from './loop-efficiency';
import { oscThroughput } from './osc-throughput';
import { formatStreamDiffusion, streamDiffusionBench } from './streamdiffusion';
import { formatOutputs, outputsBench } from './outputs';
import { formatInputs, inputsBench } from './inputs';
import { formatSecurity, securityBench } from './security';
import { formatPerform, performBench } from './perform';
import { beyondBench, formatBeyond } from './beyond';
import { fmt } from './stats';
import { formatSoak, soakBench } from './soak';
import { formatIsolation, isolationBench } from './isolation';
import { numberTextSchema } from '../src/shared/numbers';

const quick = process.argv.includes('--quick');
const size = { width: 512, height: 512 };
const log = (m: string) => process.stderr.write(`${m}\n`);

if (argValue('device') !== undefined) {
  await (await import('./gpu-run')).gpuMain();
  process.exit(0);
}

if (process.argv.includes('--soak')) {
  const minutes = argValue('minutes');
  const soak = await soakBench({
    minutes: minutes === undefined ? 10 : numberTextSchema.parse(minutes),
    width: 256,
    height: 256,
    log,
  });
  console.log(
    formatSoak(soak)
      .map((l, i) => (i === 0 ? `(k) ${l}` : `  ${l}`))
      .join('\n'),
  );
  process.exit(0);
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

log('loop efficiency: server vs bare session.run, neural-field 512x512 …');
const eff = await loopEfficiency({ ...size, seconds: quick ? 2 : 5, rounds: quick ? 1 : 3 });

log('control latency: WebSocket set -> first frame showing it …');
const trials = quick ? 20 : 100;
// Motion stopped, so the first frame that differs is the one that shows the change.
const stillField = {
  still: { speed: 0, walk: 0, spin: 0 },
  param: 'palette',
  values: ['oil', 'fire'] as [string, string],
};
const latencyCases = [
  { label: 'neural-field 512x512', pipeline: 'neural-field', ...size, ...stillField },
  { label: 'neural-field 256x256', pipeline: 'neural-field', width: 256, height: 256, ...stillField },
  {
    label: 'test-pattern 512x512',
    pipeline: 'test-pattern',
    ...size,
    still: { speed: 0 },
    param: 'background',
    values: ['#102030', '#304050'] as [string, string],
    // Top-right corner: background, clear of the frame code, bars and counter.
    probe: [size.width - 4, 4] as [number, number],
  },
];
const latencies: (LatencyResult & { label: string })[] = [];
for (const c of latencyCases) latencies.push({ label: c.label, ...(await controlLatency({ ...c, fps: 30, trials })) });

log('frame pacing at 30 fps …');
const pace = await framePacing({ pipeline: 'neural-field', ...size, fps: 30, seconds: quick ? 4 : 15 });

log('control latency: OSC packet -> first frame showing it …');
const oscLatencies: (LatencyResult & { label: string })[] = [];
for (const c of latencyCases) {
  oscLatencies.push({ label: c.label, ...(await controlLatency({ ...c, fps: 30, trials, via: 'osc' })) });
}

log('OSC throughput with the loop at 30 fps …');
const oscRates = quick ? [1000, 10_000] : [1000, 5000, 10_000, 20_000, 40_000];
const throughput = await oscThroughput({
  pipeline: 'neural-field',
  ...size,
  fps: 30,
  rates: oscRates,
  seconds: quick ? 2 : 5,
});

log('streamdiffusion stages on the tiny graphs (CPU) …');
const diffusion = await streamDiffusionBench({ model: 'tiny', frames: quick ? 10 : 30 });

log('ar-video blocks: tiny graphs on the CPU and WebGPU providers, the Wan-shaped stand-in with --device …');
const deviceAt = process.argv.indexOf('--device');
const arVideo = await arVideoBench({
  device: (deviceAt >= 0 ? process.argv[deviceAt + 1] : 'cpu') as 'cpu',
  blocks: quick ? 2 : 6,
});

log('outputs: WHEP latency in Chromium, 8 viewers vs 1 …');
const outputs = await outputsBench({ seconds: quick ? 2 : 5, samples: quick ? 60 : 150, log });

log('inputs: WHIP -> output latency, decode cost per frame, loop fps with an input on and off …');
const inputs = await inputsBench({ seconds: quick ? 2 : 5, samples: quick ? 60 : 150, log });

log('security: loop fps while each attack of issue 10 runs …');
const security = await securityBench({ pipeline: 'neural-field', ...size, fps: 30, seconds: quick ? 2 : 4 });

log('perform: recorder on vs off, MIDI clock and Link phase …');
const perform = await performBench({ seconds: quick ? 2 : 5, rounds: quick ? 1 : 3 });

log('beyond: WHIP push -> janus latency, three nodes over NATS, fps pushing vs not …');
const beyond = await beyondBench({ quick, log });
log('crash isolation: a neural-field frame through a child process vs a worker thread …');
const isolation = await isolationBench({ size: 512, frames: quick ? 30 : 150, rounds: quick ? 1 : 3 });

const lines = [
  '',
  'daydream-scope bench (one run, this machine)',
  `(a) loop efficiency, neural-field 512x512: server ${fmt(eff.serverFps, 1)} fps / bare session.run ${fmt(eff.bareFps, 1)} fps = ${fmt(eff.ratio, 3)}  (target >= 0.95; median of ${eff.rounds} alternating rounds)`,
  `      of which the worker-thread hop: bare session.run in the worker ${fmt(eff.bareWorkerFps, 1)} fps = ${fmt(eff.bareWorkerFps / eff.bareFps, 3)} of bare; server / bare-in-worker = ${fmt(eff.serverFps / eff.bareWorkerFps, 3)}`,
  `      each window in its own process: ${eff.windows.map((w) => formatWindow(w.kind, w.window)).join('; ')}`,
  `(b) control latency, WebSocket -> first frame showing it, 30 fps (target p99 <= ${fmt(1000 / 30 + 5, 1)} ms):`,
  ...latencies.map(
    (l) =>
      `      ${l.label}: p50 ${fmt(l.p50, 1)} ms, p99 ${fmt(l.p99, 1)} ms, max ${fmt(l.max, 1)} ms, render p50 ${fmt(l.renderP50, 1)} ms (${l.samples} samples)`,
  ),
  `(b') control latency, OSC (UDP /scope/<param>) -> first frame showing it, 30 fps:`,
  ...oscLatencies.map(
    (l) =>
      `      ${l.label}: p50 ${fmt(l.p50, 1)} ms, p99 ${fmt(l.p99, 1)} ms, max ${fmt(l.max, 1)} ms (${l.samples} samples; WebSocket above: ${fmt(latencies.find((w) => w.label === l.label)!.p99, 1)} ms p99)`,
  ),
  `(d) OSC throughput, /scope/hue sweep from another thread, neural-field 512x512 at 30 fps:`,
  ...throughput.map(
    (t) =>
      `      offered ${t.offered}/s: sent ${fmt(t.sent, 0)}/s, applied ${fmt(t.applied, 0)}/s, lost ${fmt(t.lost * 100, 1)} %, loop ${fmt(t.fps, 2)} fps, dropped ${t.dropped}, late ${t.late}`,
  ),
  `(c) frame interval at 30 fps, neural-field 512x512: mean ${fmt(pace.intervalMean)} ms, stddev ${fmt(pace.intervalStddev)} ms (target <= 2), p99 ${fmt(pace.intervalP99)} ms, ${fmt(pace.fps, 2)} fps, late ${pace.late}, dropped ${pace.dropped} over ${pace.frames} frames`,
];
lines.push(
  `(e) ${formatStreamDiffusion(diffusion)
    .split('\n')
    .map((l, i) => (i === 0 ? l : `    ${l}`))
    .join('\n')}`,
);
lines.push(...formatOutputs(outputs).map((l, i) => (i === 0 ? `(f) ${l}` : `    ${l}`)));
lines.push(...formatSecurity(security).map((l, i) => (i === 0 ? `(g) ${l}` : `    ${l}`)));
lines.push(
  ...formatArVideo(arVideo)
    .split('\n')
    .map((l, i) => (i === 0 ? `(h) ${l}` : `  ${l}`)),
);
lines.push(...formatPerform(perform).map((l, i) => (i === 0 ? `(i) ${l}` : `    ${l}`)));
lines.push(...formatInputs(inputs).map((l, i) => (i === 0 ? `(j) ${l}` : `    ${l}`)));
lines.push(...formatBeyond(beyond).map((l, i) => (i === 0 ? `(k) ${l}` : `    ${l}`)));
lines.push(...formatIsolation(isolation).map((l, i) => (i === 0 ? `(l) ${l}` : `  ${l}`)));
console.log(lines.join('\n'));
// @roamhq/wrtc can crash in its static destructors when a process that used it ends by itself.
process.exit(0);
