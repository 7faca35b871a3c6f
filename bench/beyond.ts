/**
 * Beyond one machine (issue 14), side by side in one run on this machine:
 *   (1) WHIP push -> janus (behind simple-whip-server) -> RTP forward -> ffmpeg: produce -> decoded latency,
 *       the test pattern's frame code read back from the decoded frames;
 *   (2) a change on one node -> the frame index it lands on, on three nodes of a show over a loopback nats-server;
 *   (3) loop fps of a node (neural-field) while it pushes to the SFU vs not, in alternating rounds.
 * `npx tsx bench/beyond.ts [--quick]` alone, or `beyondBench()` from bench/run.ts.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { readFrameCode } from '../pipelines/test-pattern/frame-code';
import { readScaledFrameCode, startOutputScope } from '../outputs/test-support';
import { WhipPushOutput } from '../outputs/whip-push/whip-push-output';
import { startJanusSfu } from '../outputs/whip-push/test-janus';
import { ffmpegSubscriber } from '../outputs/whip-push/test-rtp-subscriber';
import { startNatsServer } from '../control/nats/test-nats-server';
import { freePort, startTestScope, waitFor } from '../src/server/test-support';
import { fmt, loopFps, median, percentile, sleep } from './stats';
import type { JanusSfu } from '../outputs/whip-push/test-janus';

export interface BeyondBenchResult {
  latency: { p50: number; p95: number; samples: number; size: number };
  alignment: { changes: number; spreads: number[]; within1: number; late: number };
  fps: { pushing: number; not: number; ratio: number; rounds: number; size: number; bitrateKbps: number };
}

type Log = (m: string) => void;

async function pushLatency(sfu: JanusSfu, samples: number, log: Log) {
  const size = 256;
  const push = new WhipPushOutput('whip-push', { url: sfu.whipUrl, token: sfu.token, hostCandidates: ['127.0.0.1'] });
  const t = await startOutputScope({ pipeline: 'test-pattern', width: size, height: size }, { outputs: [push] });
  const sentAt = new Map<number, number>();
  t.scope.services.engine.onFrame((f) => sentAt.set(readFrameCode(f), performance.now()));
  const port = await freePort('udp');
  const subscriber = ffmpegSubscriber(port, size, size);
  try {
    await waitFor(() => push.status().link?.state === 'connected', 20_000, 'the WHIP link to janus');
    await sfu.forward(port);
    log(`beyond: ${samples} frames out of janus …`);
    await waitFor(() => subscriber.frames.length >= 30, 20_000, 'frames out of janus'); // encoder ramp-up
    const from = subscriber.frames.length;
    const seen = new Set<number>();
    const ms: number[] = [];
    await waitFor(
      () => {
        for (const f of subscriber.frames.slice(Math.max(0, subscriber.frames.length - 30))) {
          const code = readScaledFrameCode(f.image, size);
          if (seen.has(code) || !sentAt.has(code)) continue;
          seen.add(code);
          if (subscriber.frames.length > from) ms.push(f.at - sentAt.get(code)!);
        }
        return ms.length >= samples;
      },
      samples * 200,
      'latency samples',
    );
    return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), samples: ms.length, size };
  } finally {
    await subscriber.stop();
    await t.stop();
  }
}

async function alignment(changes: number, log: Log) {
  const nats = await startNatsServer();
  const show = `bench${randomUUID().slice(0, 6)}`;
  const nodes = [];
  try {
    for (let i = 0; i < 3; i++) {
      const opts = { nats: nats.url, show, pipeline: 'test-pattern', oscPort: null, oscQueryPort: null, midi: false };
      nodes.push(await startTestScope({ ...opts, width: 128, height: 128 }));
    }
    const spreads: number[] = [];
    log(`beyond: ${changes} changes across three nodes …`);
    for (let i = 0; i < changes; i++) {
      const colour = i % 2 === 0 ? '#ff0000' : '#0000ff';
      const landed: number[] = [];
      const offs = nodes.map((n, k) =>
        n.services.engine.onFrame((f) => {
          // Right of the row under the frame code: the background.
          const o = (5 * f.width + f.width - 2) * 4;
          const red = f.data[o]! > 200;
          if (landed[k] === undefined && red === (colour === '#ff0000'))
            landed[k] = Math.round(f.timestamp / (1000 / 30));
        }),
      );
      nodes[i % 3]!.services.params.set('background', colour, 'osc');
      await waitFor(() => landed.filter((x) => x !== undefined).length === 3, 10_000, 'the change on every node');
      for (const off of offs) off();
      spreads.push(Math.max(...landed) - Math.min(...landed));
      await sleep(150);
    }
    const late = nodes.reduce((n, s) => n + (s.sync?.stats.late ?? 0), 0);
    return { changes, spreads, within1: spreads.filter((s) => s <= 1).length, late };
  } finally {
    for (const n of nodes) await n.stop();
    await nats.stop();
  }
}

async function pushFps(sfu: JanusSfu, seconds: number, rounds: number, log: Log) {
  const size = 512;
  const push = new WhipPushOutput('whip-push', { url: sfu.whipUrl, token: sfu.token, hostCandidates: ['127.0.0.1'] });
  const t = await startOutputScope({ pipeline: 'neural-field', width: size, height: size }, { outputs: [push] });
  const fps = () => loopFps((l) => t.scope.services.engine.onFrame(l), seconds);
  try {
    await waitFor(() => t.scope.services.host.status().state === 'ready', 30_000, 'neural-field');
    const on: number[] = [];
    const off: number[] = [];
    let bitrate = 0;
    for (let r = 0; r < rounds; r++) {
      log(`beyond: fps round ${r + 1}/${rounds}, pushing then not …`);
      await t.hub.setEnabled('whip-push', true);
      await waitFor(() => push.status().link?.state === 'connected', 20_000, 'the WHIP link');
      await sleep(1000); // the encoder's ramp-up
      on.push(await fps());
      bitrate = Math.max(bitrate, push.status().link?.bitrateKbps ?? 0);
      await t.hub.setEnabled('whip-push', false);
      await sleep(500);
      off.push(await fps());
    }
    const pushing = median(on);
    const not = median(off);
    return { pushing, not, ratio: pushing / not, rounds, size, bitrateKbps: bitrate };
  } finally {
    await t.stop();
  }
}

export async function beyondBench(o: { quick?: boolean; log?: Log } = {}): Promise<BeyondBenchResult> {
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const sfu = await startJanusSfu();
  try {
    const latency = await pushLatency(sfu, o.quick ? 40 : 150, log);
    const fps = await pushFps(sfu, o.quick ? 2 : 5, o.quick ? 1 : 3, log);
    const aligned = await alignment(o.quick ? 6 : 30, log);
    return { latency, alignment: aligned, fps };
  } finally {
    await sfu.stop();
  }
}

export function formatBeyond(r: BeyondBenchResult): string[] {
  const { latency: l, alignment: a, fps: f } = r;
  const worst = Math.max(...a.spreads);
  return [
    `beyond one machine:`,
    `WHIP push -> janus -> RTP -> ffmpeg, test-pattern ${l.size}x${l.size}: p50 ${fmt(l.p50, 1)} ms, p95 ${fmt(l.p95, 1)} ms (${l.samples} frames)`,
    `three nodes over nats-server: ${a.within1}/${a.changes} changes on the same frame ±1 (worst spread ${worst} frames; late applies ${a.late})`,
    `neural-field ${f.size}x${f.size} at 30 fps: pushing ${fmt(f.pushing, 2)} fps / not ${fmt(f.not, 2)} fps = ${fmt(f.ratio, 3)} (target >= 0.95; median of ${f.rounds} alternating rounds; up to ${fmt(f.bitrateKbps, 0)} kbit/s)`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await beyondBench({ quick: process.argv.includes('--quick') });
  console.log(formatBeyond(result).join('\n'));
  // @roamhq/wrtc can crash in its static destructors when a process that used it ends by itself.
  process.exit(0);
}
