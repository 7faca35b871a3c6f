/**
 * Run by link.test.ts inside a network namespace of its own (loopback only, multicast on), so Link's discovery
 * never reaches a real network. A plain Link peer starts at 128 bpm; then the server's Link source joins with its
 * clock at 120. When two sessions meet, Link keeps one of the two tempos (its choice, not the order of joining).
 * Prints one JSON line: whether both ended on one tempo, the phase error against the peer, and whether the peer
 * followed a tempo set here.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { LinkTempoSource } from './link';
import { TempoClock } from '../../src/perform';

type State = { micros: number; beat: number; bpm: number; peers: number };
const peer = fork(fileURLToPath(new URL('./link-peer.mjs', import.meta.url)), [], {
  env: { ...process.env, LINK_BPM: '128' },
  stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
});
let peerState: State | undefined;
peer.on('message', (m: { type: string } & State) => {
  if (m.type === 'state') peerState = m;
});
// Link peers and their sockets run on the wall clock in other processes: poll what they bring.
const until = async (check: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; !check() && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
  return check();
};
await until(() => peerState !== undefined, 5000);

const clock = new TempoClock({ now: () => performance.now(), bpm: 120 });
const link = new LinkTempoSource(clock);
await link.enable();
const joined = await until(
  () => link.status().peers === 1 && peerState !== undefined && Math.abs(clock.bpm - peerState.bpm) < 1e-6,
  10_000,
);
const agreedBpm = clock.bpm;
// Phase: the peer's beat at its instant against our clock's beat at the same instant, modulo the bar (quantum 4).
const offset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
const errors: number[] = [];
for (let i = 0; i < 20; i++) {
  // Link runs on the wall clock in another process: the samples are spread over half a second of its time.
  await new Promise((r) => setTimeout(r, 25));
  const s = peerState!;
  const d = clock.beatAt(s.micros / 1000 - offset) - s.beat;
  errors.push(Math.abs(d - 4 * Math.round(d / 4)));
}
clock.setBpm(100, 'osc');
const followed = await until(() => Math.abs((peerState?.bpm ?? 0) - 100) < 1e-6, 5000);
await link.disable();
peer.send({ type: 'stop' });
console.log(
  JSON.stringify({
    joined,
    agreedBpm,
    bpm: clock.bpm,
    source: clock.source,
    maxPhaseErrorBeats: Math.max(...errors),
    followed,
  }),
);
process.exit(0);
