/**
 * npm run bench — the foundation's figures, each measured side by side in one run and printed last.
 *   --quick   shorter runs (a smoke test of the bench itself)
 */
import { controlLatency } from './control-latency';
import { framePacing } from './frame-pacing';
import { loopEfficiency } from './loop-efficiency';
import { fmt } from './stats';

const quick = process.argv.includes('--quick');
const size = { width: 512, height: 512 };
const log = (m: string) => process.stderr.write(`${m}\n`);

log('loop efficiency: server vs bare session.run, neural-field 512x512 …');
const eff = await loopEfficiency({ ...size, seconds: quick ? 2 : 5, rounds: quick ? 1 : 3 });

const still = { speed: 0, walk: 0, spin: 0 };
log('control latency: WebSocket set -> first frame showing it …');
const latNeural = await controlLatency({
  pipeline: 'neural-field',
  ...size,
  fps: 30,
  still,
  param: 'hue',
  values: [0, 90],
  trials: quick ? 20 : 100,
});
const latPattern = await controlLatency({
  pipeline: 'test-pattern',
  ...size,
  fps: 30,
  still: { speed: 0 },
  param: 'background',
  values: ['#102030', '#304050'],
  // Top-right corner: background, clear of the frame code, bars and counter.
  probe: [size.width - 4, 4],
  trials: quick ? 20 : 100,
});

log('frame pacing at 30 fps …');
const pace = await framePacing({ pipeline: 'neural-field', ...size, fps: 30, seconds: quick ? 4 : 15 });

const lines = [
  '',
  'daydream-scope bench (one run, this machine)',
  `(a) loop efficiency, neural-field 512x512: server ${fmt(eff.serverFps, 1)} fps / bare session.run ${fmt(eff.bareFps, 1)} fps = ${fmt(eff.ratio, 3)}  (target >= 0.95; median of ${eff.rounds} alternating rounds)`,
  `(b) control latency, WebSocket -> first frame showing it, 30 fps (target p99 <= ${fmt(1000 / 30 + 5, 1)} ms):`,
  `      neural-field 512x512: p50 ${fmt(latNeural.p50, 1)} ms, p99 ${fmt(latNeural.p99, 1)} ms, max ${fmt(latNeural.max, 1)} ms, render p50 ${fmt(latNeural.renderP50, 1)} ms (${latNeural.samples} samples)`,
  `      test-pattern 512x512: p50 ${fmt(latPattern.p50, 1)} ms, p99 ${fmt(latPattern.p99, 1)} ms, max ${fmt(latPattern.max, 1)} ms, render p50 ${fmt(latPattern.renderP50, 1)} ms (${latPattern.samples} samples)`,
  `(c) frame interval at 30 fps, neural-field 512x512: mean ${fmt(pace.intervalMean)} ms, stddev ${fmt(pace.intervalStddev)} ms (target <= 2), p99 ${fmt(pace.intervalP99)} ms, ${fmt(pace.fps, 2)} fps, late ${pace.late}, dropped ${pace.dropped} over ${pace.frames} frames`,
];
console.log(lines.join('\n'));
