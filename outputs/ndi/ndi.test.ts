import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrameCode } from '../../pipelines/test-pattern/frame-code';
import { startTestScope } from '../../src/server/test-support';
import { OutputHub } from '../hub';
import { useNdiLoopback } from '../../src/media/ndi-loopback';
import { FOURCC_BGRA, FOURCC_BGRX, loadNdi } from '../../src/media/ndi-lib';
import { NdiOutput } from './ndi-output';
import type { NdiLib } from '../../src/media/ndi-lib';

useNdiLoopback();

const loaded = loadNdi();
const W = 128;
const H = 96;

/** The first video frame an NDI receiver on 127.0.0.1 gets from the source named `name` and for which `where` holds. */
async function receive(
  lib: NdiLib,
  name: string,
  where: (f: { data: Uint8Array; width: number; height: number }) => boolean,
) {
  const finder = lib.findCreate('127.0.0.1');
  let receiver: unknown = null;
  try {
    const deadline = Date.now() + 20_000;
    let source: { name: string; url: string | null } | undefined;
    while (!source && Date.now() < deadline) {
      source = lib.findSources(finder).find((s) => s.name.endsWith(`(${name})`));
      // Discovery is the NDI library's own, over the network stack: it can only be polled.
      if (!source) await new Promise((r) => setTimeout(r, 100));
    }
    if (!source) throw new Error(`NDI source "${name}" not found on 127.0.0.1`);
    receiver = lib.recvCreate(source, 'scope-test-receiver');
    while (Date.now() < deadline) {
      const frame = await lib.recvVideo(receiver, 200);
      if (frame && where(frame)) return { source, frame };
    }
    throw new Error('no matching NDI video frame');
  } finally {
    if (receiver) lib.recvDestroy(receiver);
    lib.findDestroy(finder);
  }
}

// Outside CI a machine without it skips; CI installs it, so there a missing one fails instead of skipping.
describe.skipIf(!('lib' in loaded) && !process.env.CI)('NDI output (real libndi, loopback)', () => {
  const lib = (loaded as { lib: NdiLib }).lib;
  let scope: Awaited<ReturnType<typeof startTestScope>>;
  let hub: OutputHub;
  let ndi: NdiOutput;
  const rendered = new Set<number>();

  beforeAll(async () => {
    scope = await startTestScope({ pipeline: 'test-pattern', width: W, height: H, oscPort: null, oscQueryPort: null });
    scope.services.params.set('speed', 0, 'http');
    scope.services.engine.onFrame((f) => rendered.add(readFrameCode(f)));
    hub = new OutputHub({ log: (m) => scope.logs.push(m), fps: () => scope.services.engine.fps });
    ndi = new NdiOutput('ndi', { name: `scope-test-${process.pid}` });
    hub.add(ndi, true);
    await hub.start(scope.services.engine);
  });
  afterAll(async () => {
    await hub?.stop();
    await scope?.stop();
  });

  it('a receiver finds the source and gets BGRA frames that carry the pipeline picture', async () => {
    const { frame } = await receive(lib, `scope-test-${process.pid}`, () => true);
    expect([FOURCC_BGRA, FOURCC_BGRX]).toContain(frame.fourcc);
    expect([frame.width, frame.height]).toEqual([W, H]);
    // BGRA back to RGBA, then the frame code must be one the pipeline drew.
    const rgba = new Uint8Array(frame.width * frame.height * 4);
    for (let y = 0; y < frame.height; y++) {
      for (let x = 0; x < frame.width; x++) {
        const i = y * frame.stride + x * 4;
        const o = (y * frame.width + x) * 4;
        rgba[o] = frame.data[i + 2]!;
        rgba[o + 1] = frame.data[i + 1]!;
        rgba[o + 2] = frame.data[i]!;
        rgba[o + 3] = 255;
      }
    }
    expect(rendered.has(readFrameCode({ data: rgba, width: frame.width, height: frame.height }))).toBe(true);
    // The first (leftmost) bar is 75% grey.
    const o = (Math.round(H * 0.4) * W + Math.round(W / 14)) * 4;
    for (const c of [0, 1, 2]) expect(Math.abs(rgba[o + c]! - 191)).toBeLessThan(24);
    expect(hub.info('ndi')).toMatchObject({ state: 'running', available: true });
    // The count goes up when libndi's send returns on its worker thread and that completion reaches the event
    // loop; the receiver's completion, queued from another thread, can come first. The frame received was handed
    // to the output before now, so once the sends queued so far are through, it is counted.
    await ndi.whenSent();
    expect(ndi.framesSent).toBeGreaterThan(0);
  });

  it('renames the source at runtime (the sender is recreated) and sends UYVY when asked', async () => {
    const renamed = `scope-renamed-${process.pid}`;
    await hub.setOptions('ndi', { name: renamed, format: 'UYVY' });
    const { source, frame } = await receive(lib, renamed, () => true);
    expect(source.name).toContain(renamed);
    expect([frame.width, frame.height]).toEqual([W, H]);
    expect(hub.info('ndi').options).toEqual({ name: renamed, format: 'UYVY' });
  });
});

describe('NDI output without a runtime', () => {
  it('is listed as unavailable with the reason', () => {
    const ndi = new NdiOutput('ndi', {}, () => ({ reason: 'no NDI runtime found for plan9-mips' }));
    const hub = new OutputHub().add(ndi);
    expect(hub.info('ndi')).toMatchObject({
      available: false,
      state: 'unavailable',
      reason: 'no NDI runtime found for plan9-mips',
    });
  });
});
