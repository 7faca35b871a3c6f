import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/server/test-support';
import { rgbaToBgra } from '../../src/media/from-rgba';
import { FOURCC_BGRA, FRAME_FORMAT_PROGRESSIVE, TIMECODE_SYNTHESIZE, loadNdi } from '../../src/media/ndi-lib';
import { useNdiLoopback } from '../../src/media/ndi-loopback';
import { InputHub } from '../hub';
import { codedPicture, patch, readCode } from '../test-support';
import { NdiSource, ndiNameMatches } from './ndi-source';
import type { NdiLib } from '../../src/media/ndi-lib';

useNdiLoopback();

const W = 128;
const H = 96;

/** NDI compresses (SpeedHQ, 4:2:2) even BGRA: colours come back within some levels. */
const near = (rgb: number[], expected: number[], tolerance = 24) =>
  rgb.every((v, i) => Math.abs(v - expected[i]!) <= tolerance);
const expectNear = (rgb: number[], expected: number[], tolerance = 24) =>
  expect(near(rgb, expected, tolerance), `${rgb} is not within ${tolerance} of ${expected}`).toBe(true);

/** A libndi sender sending codedPicture frames at ~30 fps until stopped. */
function sender(lib: NdiLib, name: string, left = [230, 20, 20], right = [20, 20, 230]) {
  // libndi clocks this sender at the frames' 30 fps (sendVideo waits on its own thread): no sleeps here.
  const handle = lib.sendCreate(name, true);
  if (!handle) throw new Error(`NDI could not create a sender named ${name}`);
  let n = 0;
  let sending = true;
  const sent = new Set<number>();
  const loop = (async () => {
    while (sending) {
      const code = n++ & 0xff;
      const bgra = rgbaToBgra(codedPicture(W, H, code, left, right), W, H);
      // Noted before the send: the receiver can have the frame before this send's completion reaches the loop
      // (libndi's clocked send returns from its own thread, up to a frame later).
      sent.add(code);
      await lib.sendVideo(handle, {
        xres: W,
        yres: H,
        FourCC: FOURCC_BGRA,
        frame_rate_N: 30_000,
        frame_rate_D: 1000,
        picture_aspect_ratio: W / H,
        frame_format_type: FRAME_FORMAT_PROGRESSIVE,
        timecode: TIMECODE_SYNTHESIZE,
        p_data: bgra,
        line_stride_in_bytes: W * 4,
        p_metadata: null,
        timestamp: 0,
      });
    }
  })();
  return {
    sent,
    stop: async () => {
      sending = false;
      await loop;
      lib.sendDestroy(handle);
    },
  };
}

describe('NDI input (real libndi, loopback)', () => {
  const loaded = loadNdi();
  // The runtime comes with the optional @grandi/linux-x64 package, which CI installs: no runtime is a failure.
  it('has the NDI runtime', () => expect(loaded).toHaveProperty('lib'));
  const lib = () => (loaded as { lib: NdiLib }).lib;
  let hub: InputHub;
  const senders: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    await hub?.stop();
    for (const s of senders.splice(0)) await s.stop();
  });

  it('finds a sender by the name in brackets and receives its pictures, BGRA or UYVY', async () => {
    const name = `scope-in-${process.pid}`;
    const s = sender(lib(), name);
    senders.push(s);
    hub = new InputHub();
    const source = new NdiSource('ndi-test', { name, extraIps: '127.0.0.1' });
    await hub.add(source, true);
    await hub.start();
    hub.select('ndi-test');
    await waitFor(() => hub.info('ndi-test').state === 'live', 20_000, 'the NDI source live');
    const frame = hub.frame(W, H)!;
    expect(s.sent.has(readCode(frame))).toBe(true);
    expectNear(patch(frame, 32, 60), [230, 20, 20]);
    expectNear(patch(frame, 96, 60), [20, 20, 230]);
    expect(hub.info('ndi-test')).toMatchObject({ width: W, height: H, kind: 'ndi' });
    expect(hub.info('ndi-test').detail).toContain(`(${name})`);

    // UYVY: half the bytes on the wire, converted here; colours within a few levels.
    await hub.setOptions('ndi-test', { format: 'uyvy' });
    const before = hub.info('ndi-test').frames;
    await waitFor(() => hub.info('ndi-test').frames > before + 3, 20_000, 'UYVY frames');
    expectNear(patch(hub.frame(W, H)!, 32, 60), [230, 20, 20]);
  });

  it('a sender that goes away: lost, last frame held; it comes back and so do the frames, by themselves', async () => {
    const name = `scope-gone-${process.pid}`;
    const first = sender(lib(), name);
    hub = new InputHub({ staleMs: 500 });
    await hub.add(new NdiSource('ndi-gone', { name, extraIps: '127.0.0.1' }), true);
    await hub.start();
    hub.select('ndi-gone');
    await waitFor(() => hub.info('ndi-gone').state === 'live', 20_000, 'live');
    await first.stop();
    await waitFor(() => hub.info('ndi-gone').state === 'lost', 5000, 'the loss to show');
    expectNear(patch(hub.frame(W, H)!, 32, 60), [230, 20, 20]);
    const second = sender(lib(), name, [20, 200, 20], [20, 200, 20]);
    senders.push(second);
    await waitFor(() => hub.info('ndi-gone').state === 'live', 20_000, 'live again');
    await waitFor(() => near(patch(hub.frame(W, H)!, 32, 60), [20, 200, 20]), 5000, 'the new sender’s picture');
  });
});

describe('NDI input without a runtime', () => {
  it('is unavailable with the reason; the name matching takes the full name or the part in brackets', async () => {
    const hub = new InputHub();
    await hub.add(new NdiSource('n', { name: 'x' }, () => ({ reason: 'no NDI runtime found for plan9-mips' })));
    expect(hub.info('n')).toMatchObject({ state: 'unavailable', reason: 'no NDI runtime found for plan9-mips' });
    expect(ndiNameMatches('STAGE-PC (TouchDesigner)', 'TouchDesigner')).toBe(true);
    expect(ndiNameMatches('STAGE-PC (TouchDesigner)', 'STAGE-PC (TouchDesigner)')).toBe(true);
    expect(ndiNameMatches('STAGE-PC (TouchDesigner 2)', 'TouchDesigner')).toBe(false);
  });
});
