import { describe, expect, it } from 'vitest';
import { InputHub } from './hub';
import { FakeSource } from './test-source';
import { ManualTimers } from '../src/kernel/timers';

/** A hub on hand-moved time: its checks (every 250 ms) run as the test advances the timers. */
function setup() {
  const timers = new ManualTimers();
  const events: [string, unknown][] = [];
  const logs: string[] = [];
  const hub = new InputHub({
    timers,
    events: { emit: (topic, data) => events.push([topic, data]) },
    log: (m) => logs.push(m),
  });
  const advance = (ms: number) => timers.advance(ms);
  return { hub, events, logs, advance };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('InputHub', () => {
  it('the newest frame wins: only the frame used is converted, once, and scaled once per size', async () => {
    const { hub } = setup();
    const cam = new FakeSource('cam');
    await hub.add(cam, true);
    await hub.start();
    hub.select('cam');
    const first = cam.send(16, 8, 10);
    const second = cam.send(16, 8, 20);
    const third = cam.send(16, 8, 30);
    const a = hub.frame(8, 4)!;
    const b = hub.frame(8, 4)!;
    expect(a.data[0]).toBe(30);
    expect(b).toBe(a);
    expect([first.conversions, second.conversions, third.conversions]).toEqual([0, 0, 1]);
    // At its own size a frame goes through as it is, without a copy.
    expect(hub.frame(16, 8)!.width).toBe(16);
    expect(third.conversions).toBe(1);
    expect(hub.info('cam')).toMatchObject({ state: 'live', width: 16, height: 8, frames: 3, active: true });
  });

  it('cover crops and contain letterboxes a wide source', async () => {
    const { hub } = setup();
    const cam = new FakeSource('cam');
    await hub.add(cam);
    await hub.start();
    hub.select('cam');
    cam.send(32, 8, 200);
    expect(hub.frame(8, 8)!.data[0]).toBe(200);
    hub.setFit('contain');
    const contained = hub.frame(8, 8)!;
    expect(contained.data[0]).toBe(0);
    expect(contained.data[(4 * 8 + 4) * 4]).toBe(200);
  });

  it('a source that goes quiet is lost after staleMs, holds its last frame, and is live again with the next', async () => {
    const { hub, advance } = setup();
    const cam = new FakeSource('cam');
    await hub.add(cam);
    await hub.start();
    hub.select('cam');
    cam.send(8, 4, 50);
    advance(1900);
    expect(hub.info('cam').state).toBe('live');
    // Checked every 250 ms: the first check past 2 s without a frame reports it.
    advance(400);
    expect(hub.info('cam')).toMatchObject({ state: 'lost', reason: expect.stringMatching(/no frame for 2\.\d s/) });
    expect(hub.frame(8, 4)!.data[0]).toBe(50);
    cam.send(8, 4, 60);
    expect(hub.info('cam').state).toBe('live');
    expect(hub.info('cam').reason).toBeUndefined();
    expect(hub.frame(8, 4)!.data[0]).toBe(60);
  });

  it('a lost source is started again after a growing backoff until frames come back', async () => {
    const { hub, advance } = setup();
    const cam = new FakeSource('cam');
    await hub.add(cam);
    await hub.start();
    cam.send();
    cam.ctx!.lost('the camera was unplugged');
    expect(hub.info('cam')).toMatchObject({ state: 'lost', reason: 'the camera was unplugged', width: 8 });
    cam.failStart = 'no such device';
    advance(999);
    expect(cam.started).toBe(1);
    advance(1);
    await flush();
    expect([cam.stopped, cam.started]).toEqual([1, 2]);
    // Still failing: the next try waits 2 s, and the held frame and the reason stay listed.
    expect(hub.info('cam')).toMatchObject({ state: 'error', width: 8 });
    expect(hub.info('cam').reason).toContain('no such device');
    advance(1999);
    expect(cam.started).toBe(2);
    cam.failStart = undefined;
    advance(1);
    await flush();
    expect(cam.started).toBe(3);
    cam.send();
    expect(hub.info('cam').state).toBe('live');
    // Frames reset the backoff: the next loss waits 1 s again.
    cam.ctx!.lost('unplugged again');
    advance(1000);
    await flush();
    expect(cam.started).toBe(4);
  });

  it('a source that says it will not come back by itself (retry false) is not restarted', async () => {
    const { hub, advance } = setup();
    const pub = new FakeSource('whip', 'whip');
    await hub.add(pub);
    await hub.start();
    pub.send();
    pub.ctx!.lost('the publisher left', false);
    advance(30_000);
    await flush();
    expect(pub.started).toBe(1);
    expect(hub.info('whip')).toMatchObject({ state: 'lost', reason: 'the publisher left' });
  });

  it('lists an unavailable source with its reason and refuses to select it', async () => {
    const { hub } = setup();
    const syphon = new FakeSource('syphon', 'syphon');
    syphon.unavailable = 'Syphon exists only on macOS';
    await hub.add(syphon);
    await hub.start();
    expect(syphon.started).toBe(0);
    expect(hub.info('syphon')).toMatchObject({ available: false, state: 'unavailable', reason: syphon.unavailable });
    expect(() => hub.select('syphon')).toThrow(/unavailable/);
    expect(() => hub.select('nope')).toThrow(/no input "nope"/);
    expect(hub.selection().source).toBeNull();
  });

  it('removing the active source leaves the engine without input and stops the source', async () => {
    const { hub, events } = setup();
    const cam = new FakeSource('cam');
    await hub.add(cam, true);
    await hub.start();
    hub.select('cam');
    cam.send();
    await hub.remove('cam');
    expect(cam.stopped).toBe(1);
    expect(hub.selection().source).toBeNull();
    expect(hub.frame(8, 4)).toBeUndefined();
    expect(events.filter(([t]) => t === 'input').at(-1)![1]).toEqual({ source: null, fit: 'cover' });
    // A late frame from the removed source's context is ignored.
    cam.ctx?.frame({ width: 2, height: 2, rgba: () => new Uint8Array(16) });
    expect(hub.list()).toEqual([]);
  });

  it('odd frames never reach the engine: empty ones are ignored, huge ones refused, unreadable ones dropped', async () => {
    const { hub, logs } = setup();
    const cam = new FakeSource('cam');
    await hub.add(cam);
    await hub.start();
    hub.select('cam');
    cam.ctx!.frame({ width: 0, height: 4, rgba: () => new Uint8Array(0) });
    expect(hub.frame(8, 4)).toBeUndefined();
    cam.ctx!.frame({ width: 20_000, height: 20_000, rgba: () => new Uint8Array(0) });
    expect(hub.info('cam').reason).toMatch(/20000x20000/);
    cam.send(8, 4, 70);
    expect(hub.frame(8, 4)!.data[0]).toBe(70);
    // Two unreadable frames in a row, between two renders: the last good one stays on.
    cam.ctx!.frame({ width: 8, height: 4, rgba: () => new Uint8Array(3) });
    cam.ctx!.frame({ width: 8, height: 4, rgba: () => new Uint8Array(5) });
    expect(hub.frame(8, 4)!.data[0]).toBe(70);
    cam.ctx!.frame({
      width: 8,
      height: 4,
      rgba: () => {
        throw new Error('truncated');
      },
    });
    expect(hub.frame(8, 4)!.data[0]).toBe(70);
    expect(logs.some((l) => l.includes('truncated'))).toBe(true);
  });

  it('tells listeners when a source changes state and when the selection changes', async () => {
    const { hub, events } = setup();
    const cam = new FakeSource('cam');
    await hub.add(cam);
    await hub.start();
    events.length = 0;
    cam.send();
    hub.select('cam');
    const topics = events.map(([t]) => t);
    expect(topics).toContain('inputs');
    expect(events.find(([t]) => t === 'input')![1]).toEqual({ source: 'cam', fit: 'cover' });
    const last = events.filter(([t]) => t === 'inputs').at(-1)![1] as { id: string; state: string; active: boolean }[];
    expect(last[0]).toMatchObject({ id: 'cam', state: 'live', active: true });
  });

  it('previews keep the aspect ratio at a small width', async () => {
    const { hub } = setup();
    const cam = new FakeSource('cam');
    await hub.add(cam);
    await hub.start();
    cam.send(1920, 1080, 90);
    const preview = hub.preview('cam')!;
    expect([preview.width, preview.height]).toEqual([192, 108]);
    expect(preview.data[0]).toBe(90);
  });
});

describe('InputHub with received layouts', () => {
  it('samples a frame that must be scaled straight from its layout, never converting it whole', async () => {
    const { hub } = setup();
    const cam = new FakeSource('cam');
    await hub.add(cam);
    await hub.start();
    hub.select('cam');
    // A 1920x1080 BGRA frame of flat orange (B 0, G 128, R 255).
    const bgra = new Uint8Array(1920 * 1080 * 4);
    for (let i = 0; i < bgra.length; i += 4) bgra.set([0, 128, 255, 255], i);
    let conversions = 0;
    const frame = {
      width: 1920,
      height: 1080,
      rgba: () => {
        conversions++;
        return new Uint8Array(1920 * 1080 * 4);
      },
      raw: { layout: 'bgra' as const, width: 1920, height: 1080, data: bgra },
    };
    cam.ctx!.frame(frame);
    expect([...hub.frame(64, 64)!.data.subarray(0, 4)]).toEqual([255, 128, 0, 255]);
    expect([...hub.preview('cam')!.data.subarray(0, 4)]).toEqual([255, 128, 0, 255]);
    expect(conversions).toBe(0);
    // A raw buffer too short for its size goes the checked way instead (and is dropped there).
    cam.ctx!.frame({ ...frame, raw: { ...frame.raw, data: bgra.subarray(0, 100) }, rgba: () => new Uint8Array(3) });
    expect([...hub.frame(64, 64)!.data.subarray(0, 4)]).toEqual([255, 128, 0, 255]);
  });
});
