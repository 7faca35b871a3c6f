/**
 * The server's own latency figures (GET /api/v1/stats under `latency`) against the same changes measured from
 * outside: a change sent over OSC or WebSocket at a random phase of the frame clock, timed to the first frame
 * that differs (bench/control-latency.ts). The two should agree to within a millisecond or two: the server
 * stamps a change when its socket hands it over, the bench just before it sends.
 * `npx tsx bench/live-latency.ts [--trials N]`
 */
import { controlLatency } from './control-latency';
import { fmt } from './stats';

const at = process.argv.indexOf('--trials');
const trials = at >= 0 ? Number(process.argv[at + 1]) : 60;
const still = { speed: 0, walk: 0, spin: 0 };
for (const via of ['osc', 'ws'] as const) {
  const r = await controlLatency({
    pipeline: 'neural-field',
    width: 256,
    height: 256,
    fps: 30,
    still,
    param: 'palette',
    values: ['oil', 'fire'],
    trials,
    via,
  });
  console.log(
    `${via.padEnd(3)} outside: p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms (${r.samples})` +
      ` | server: p50 ${fmt(r.live.p50)} ms, p95 ${fmt(r.live.p95)} ms (${r.live.count})` +
      ` | render p50 ${fmt(r.renderP50)} ms, interval ${fmt(r.intervalMs)} ms`,
  );
}
