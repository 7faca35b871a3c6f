/**
 * The perform layer's figures: the loop's frame rate with the recorder on beside off (target: within 5 %), at the
 * show's pace (real-time clock) and flat out (fixed-step, where ffmpeg competes for the CPU); the phase error of
 * MIDI clock in under jitter; and of two Link peers on loopback (in a private network namespace; needs root).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startScope } from '../src/main';
import { TempoClock } from '../src/perform';
import { MidiClockFollower } from '../control/midi/clock-follower';
import { fmt, median, percentile, sleep } from './stats';
import type { ClockKind } from '../src/engine/clock';

const run = promisify(execFile);

export interface RecorderRound {
  clock: ClockKind;
  offFps: number;
  onFps: number;
  ratio: number;
  /** Frames the recorder dropped for itself while on, and frames it wrote. */
  dropped: number;
  written: number;
}

export interface PerformBenchResult {
  recorder: RecorderRound[];
  midi: { jitterMs: number; bpmError: number; phaseP50Ms: number; phaseP99Ms: number };
  link: { maxPhaseErrorMs: number } | { skipped: string };
}

async function loopFps(clock: ClockKind, seconds: number, record: boolean, dir: string) {
  const scope = await startScope({
    port: 0,
    width: 512,
    height: 512,
    fps: 30,
    clock,
    pipeline: 'neural-field',
    waitForLoad: true,
    oscPort: null,
    oscQueryPort: null,
    midi: false,
    configDir: dir,
    log: () => {},
  });
  try {
    if (record) await scope.outputs.setEnabled('recording', true);
    await sleep(500);
    const engine = scope.services.engine;
    const f0 = engine.getStats().frames;
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const fps = (engine.getStats().frames - f0) / ((performance.now() - t0) / 1000);
    const state = await scope.performing.recorder.state();
    if (record) await scope.outputs.setEnabled('recording', false);
    return { fps, dropped: state.dropped, written: state.frames };
  } finally {
    await scope.stop();
  }
}

/** Recorder off, on, off, on…: the median of each, alternating so background load hits both alike. */
async function recorderRounds(clock: ClockKind, seconds: number, rounds: number): Promise<RecorderRound> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-perform-'));
  const off: number[] = [];
  const on: number[] = [];
  let dropped = 0;
  let written = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      off.push((await loopFps(clock, seconds, false, dir)).fps);
      const rec = await loopFps(clock, seconds, true, dir);
      on.push(rec.fps);
      dropped += rec.dropped;
      written += rec.written;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { clock, offFps: median(off), onFps: median(on), ratio: median(on) / median(off), dropped, written };
}

/** MIDI clock at 128 bpm with uniform ±jitter: the follower's tempo and phase against the true grid. */
function midiPhase(jitterMs: number) {
  let s = 11;
  const noise = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 2 * jitterMs;
  const clock = new TempoClock({ bpm: 100 });
  const follower = new MidiClockFollower(clock);
  const tick = 60_000 / (128 * 24);
  follower.start();
  const errors: number[] = [];
  for (let i = 0; i < 24 * 64; i++) {
    follower.tick(i * tick + noise());
    // After the first two beats: the error of the clock's beat on the true grid, in ms.
    if (i > 48) errors.push(Math.abs(clock.beatAt(i * tick) - i / 24) * (60_000 / 128));
  }
  return {
    jitterMs,
    bpmError: Math.abs(clock.bpm - 128),
    phaseP50Ms: percentile(errors, 0.5),
    phaseP99Ms: percentile(errors, 0.99),
  };
}

async function linkPhase(): Promise<PerformBenchResult['link']> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { skipped: 'needs root on Linux (netns)' };
  const fixture = fileURLToPath(new URL('../control/tempo/test-link-netns.ts', import.meta.url));
  const setup = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';
  try {
    const { stdout } = await run(
      'unshare',
      ['-n', 'sh', '-c', `${setup} && exec "$0" --import tsx "$1"`, process.execPath, fixture],
      { timeout: 40_000 },
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { maxPhaseErrorBeats: number; agreedBpm: number };
    return { maxPhaseErrorMs: r.maxPhaseErrorBeats * (60_000 / r.agreedBpm) };
  } catch (err) {
    return { skipped: (err as Error).message.split('\n')[0]! };
  }
}

export async function performBench(o: { seconds: number; rounds: number }): Promise<PerformBenchResult> {
  const recorder = [
    await recorderRounds('realtime', o.seconds, o.rounds),
    await recorderRounds('fixed-step', o.seconds, o.rounds),
  ];
  return { recorder, midi: midiPhase(2), link: await linkPhase() };
}

export function formatPerform(r: PerformBenchResult): string[] {
  return [
    'perform: loop fps with the recorder on vs off, neural-field 512x512 (target: within 5 %):',
    ...r.recorder.map(
      (x) =>
        `  ${x.clock.padEnd(10)} off ${fmt(x.offFps, 1)} fps, on ${fmt(x.onFps, 1)} fps = ${fmt(x.ratio, 3)}  (recorder wrote ${x.written}, dropped ${x.dropped} of its own)`,
    ),
    `  MIDI clock in, 128 bpm, ±${r.midi.jitterMs} ms jitter: bpm error ${fmt(r.midi.bpmError, 3)}, phase error p50 ${fmt(r.midi.phaseP50Ms, 2)} ms, p99 ${fmt(r.midi.phaseP99Ms, 2)} ms`,
    'link' in r && 'maxPhaseErrorMs' in r.link
      ? `  Link, two peers on loopback: max phase error ${fmt(r.link.maxPhaseErrorMs, 3)} ms`
      : `  Link: skipped (${(r.link as { skipped: string }).skipped})`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  console.log(formatPerform(await performBench({ seconds: quick ? 2 : 5, rounds: quick ? 1 : 3 })).join('\n'));
}
