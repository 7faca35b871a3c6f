/**
 * Outputs: produce -> decoded latency of the WHEP output in headless Chromium (512x512, test pattern, its
 * frame code read back from the video in the page), and the loop's frame rate with 8 WHEP viewers beside 1.
 * `npx tsx bench/outputs.ts [--quick]` alone, or `outputsBench()` from bench/run.ts.
 */
import { performance } from 'node:perf_hooks';
import { blockSize, readFrameCode } from '../pipelines/test-pattern/frame-code';
import { startOutputScope } from '../outputs/test-support';
import { chromiumAvailable, launchChromium, openOutput, sampleFrames } from '../outputs/webrtc/test-player';
import { whepViewer } from '../outputs/webrtc/test-viewer';
import { fmt, loopFps, percentile, sleep } from './stats';
import type { TestViewer } from '../outputs/webrtc/test-viewer';

export interface OutputsBenchResult {
  size: string;
  latency: { p50: number; p95: number; samples: number } | undefined;
  fps1: number;
  fps8: number;
  dropPercent: number;
  i420PerFrameMs: number;
}

export async function outputsBench(o: { seconds?: number; samples?: number; log?: (m: string) => void } = {}) {
  const seconds = o.seconds ?? 5;
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const width = 512;
  const height = 512;
  const t = await startOutputScope({ pipeline: 'test-pattern', width, height, fps: 30, clock: 'realtime' });
  const sentAt = new Map<number, number>();
  const off = t.scope.services.engine.onFrame((f) =>
    sentAt.set(readFrameCode(f), performance.timeOrigin + performance.now()),
  );
  const onFrame = (l: () => void) => t.scope.services.engine.onFrame(l);
  try {
    let latency: OutputsBenchResult['latency'];
    if (chromiumAvailable()) {
      log('outputs: produce -> decoded in Chromium over WHEP …');
      const browser = await launchChromium();
      try {
        const page = await openOutput(browser, t.url);
        await sampleFrames(page, 30, blockSize(width)); // let the encoder ramp up first
        const samples = await sampleFrames(page, o.samples ?? 150, blockSize(width));
        const ms = samples.filter((s) => sentAt.has(s.code)).map((s) => s.at - sentAt.get(s.code)!);
        latency = { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), samples: ms.length };
      } finally {
        await browser.close();
      }
    } else log(`outputs: no Chromium at ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'}, latency skipped`);

    log('outputs: loop fps with 1 WHEP viewer, then 8 …');
    const viewers: TestViewer[] = [await whepViewer(t.url)];
    await sleep(1000);
    const fps1 = await loopFps(onFrame, seconds);
    for (let i = 1; i < 8; i++) viewers.push(await whepViewer(t.url));
    await sleep(1000);
    const fps8 = await loopFps(onFrame, seconds);
    for (const v of viewers) await v.close();

    // One I420 conversion per frame whatever the viewer count: its cost, for the record.
    const frame = t.scope.services.engine.latest()!;
    const { rgbaToI420 } = await import('../src/media/from-rgba');
    const reps = 50;
    const c0 = performance.now();
    for (let i = 0; i < reps; i++) rgbaToI420(frame.data, frame.width, frame.height);
    const i420PerFrameMs = (performance.now() - c0) / reps;

    return {
      size: `${width}x${height}`,
      latency,
      fps1,
      fps8,
      dropPercent: ((fps1 - fps8) / fps1) * 100,
      i420PerFrameMs,
    } satisfies OutputsBenchResult;
  } finally {
    off();
    await t.stop();
  }
}

/** The lines bench/run.ts prints. */
export function formatOutputs(r: OutputsBenchResult): string[] {
  const lat = r.latency
    ? `p50 ${fmt(r.latency.p50, 1)} ms, p95 ${fmt(r.latency.p95, 1)} ms (${r.latency.samples} frames)`
    : 'n/a (no Chromium)';
  return [
    `WHEP produce -> decoded in Chromium, test-pattern ${r.size} @30 fps: ${lat}`,
    `loop fps with 1 WHEP viewer: ${fmt(r.fps1, 1)} | with 8: ${fmt(r.fps8, 1)} | drop ${fmt(r.dropPercent, 1)} %`,
    `RGBA -> I420 (JS, once per frame, shared by all viewers): ${fmt(r.i420PerFrameMs, 2)} ms at ${r.size}`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const result = await outputsBench({ seconds: quick ? 2 : 5, samples: quick ? 60 : 150 });
  for (const line of formatOutputs(result)) console.log(line);
  // @roamhq/wrtc can crash in its static destructors on a natural exit; leave explicitly.
  process.exit(0);
}
