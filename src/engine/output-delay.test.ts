import { describe, expect, it } from 'vitest';
import { FrameDelayLine } from './output-delay';
import { ManualClock } from './clock';
import { TempoClock } from '../perform/tempo/tempo-clock';
import { startTestRig } from '../test-rig';
import type { Frame } from './frame';

/** A frame source the test publishes on by hand. */
function source() {
  const listeners = new Set<(f: Frame) => void>();
  let latest: Frame | undefined;
  let seq = 0;
  return {
    onFrame(l: (f: Frame) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    latest: () => latest,
    publish(data = new Uint8Array(16)): Frame {
      const frame: Frame = { data, width: 2, height: 2, seq: seq++, timestamp: 0, pipelineId: 'p', repeated: false };
      latest = frame;
      for (const l of listeners) l(frame);
      return frame;
    },
  };
}

function line(options: { maxBytes?: number } = {}) {
  const clock = new ManualClock();
  const tempo = new TempoClock({ now: () => clock.now(), bpm: 120 });
  const src = source();
  const delay = new FrameDelayLine(src, { clock, tempo, ...options });
  const out: { seq: number; at: number }[] = [];
  delay.onFrame((f) => out.push({ seq: f.seq, at: clock.now() }));
  return { clock, tempo, src, delay, out };
}

describe('the output delay', () => {
  it('at 0 ms passes every frame straight through', () => {
    const { src, delay, out } = line();
    src.publish();
    src.publish();
    expect(out.map((f) => f.seq)).toEqual([0, 1]);
    expect(delay.latest()?.seq).toBe(1);
    expect(delay.status()).toEqual({ unit: 'ms', value: 0, ms: 0, held: 0, skipped: 0 });
  });

  it('holds each frame back by the milliseconds set, exactly', () => {
    const { clock, src, delay, out } = line();
    delay.set({ ms: 120 });
    for (let i = 0; i < 4; i++) {
      src.publish();
      clock.advance(40);
    }
    // Frames came at 0, 40, 80, 120; by 160 the ones from 0 and 40 are due (at 120 and 160).
    expect(out).toEqual([
      { seq: 0, at: 120 },
      { seq: 1, at: 160 },
    ]);
    expect(delay.latest()?.seq).toBe(1);
    expect(delay.status()).toMatchObject({ ms: 120, held: 2 });
  });

  it('in beats follows the tempo, frames already held included', () => {
    const { clock, tempo, src, delay, out } = line();
    delay.set({ beats: 0.5 }); // 250 ms at 120 bpm
    expect(delay.status()).toMatchObject({ unit: 'beats', value: 0.5, ms: 250 });
    src.publish();
    clock.advance(100);
    tempo.setBpm(300, 'internal'); // half a beat is 100 ms now: the held frame is due at once
    expect(out).toEqual([{ seq: 0, at: 100 }]);
    expect(delay.ms()).toBe(100);
    tempo.setBpm(60, 'internal');
    src.publish();
    clock.advance(499);
    expect(out).toHaveLength(1);
    clock.advance(1);
    expect(out).toEqual([
      { seq: 0, at: 100 },
      { seq: 1, at: 600 },
    ]);
  });

  it('clamps to 0..2000 ms (and 16 beats), however slow the tempo', () => {
    const { tempo, delay } = line();
    expect(delay.set({ ms: 5000 })).toMatchObject({ unit: 'ms', value: 2000, ms: 2000 });
    expect(delay.set({ ms: -5 })).toMatchObject({ value: 0, ms: 0 });
    tempo.setBpm(20, 'internal');
    expect(delay.set({ beats: 40 })).toMatchObject({ unit: 'beats', value: 16, ms: 2000 });
  });

  it('bounds the memory it holds: past it frames are skipped, and the delay stays as set', () => {
    const { clock, src, delay, out } = line({ maxBytes: 64 });
    delay.set({ ms: 100 });
    for (let i = 0; i < 10; i++) {
      if (i > 0) clock.advance(10);
      src.publish(); // 16 bytes each: four fit
    }
    expect(delay.status()).toMatchObject({ held: 4, skipped: 6 });
    clock.advance(100);
    expect(out).toEqual([0, 1, 2, 3].map((seq) => ({ seq, at: 100 + seq * 10 })));
    // A repeated frame shares its buffer and costs nothing more.
    const still = new Uint8Array(64);
    for (let i = 0; i < 5; i++) src.publish(still);
    expect(delay.status()).toMatchObject({ held: 5, skipped: 6 });
  });

  it('drain sends what it holds (the server is stopping)', () => {
    const { src, delay, out } = line();
    delay.set({ ms: 500 });
    src.publish();
    delay.drain();
    expect(out.map((f) => f.seq)).toEqual([0]);
  });
});

describe('the conditioning picture behind the output delay', () => {
  it('holds the depth map back exactly as long as the frames, through a change of delay, tempo and a drain', () => {
    const { clock, tempo, src, delay, out } = line();
    const depth = source();
    const held = delay.follow(depth);
    const maps: { seq: number; at: number }[] = [];
    held.onFrame((f) => maps.push({ seq: f.seq, at: clock.now() }));
    // At 0 ms both pass straight through.
    src.publish();
    depth.publish();
    expect(maps).toEqual([{ seq: 0, at: 0 }]);
    delay.set({ ms: 100 });
    src.publish();
    depth.publish();
    clock.advance(99);
    expect(maps).toHaveLength(1);
    clock.advance(1);
    // The depth map of a frame comes out at the same instant as that frame.
    expect(maps.at(-1)).toEqual({ seq: 1, at: 100 });
    expect(out.at(-1)).toEqual({ seq: 1, at: 100 });
    // In beats at 120 bpm a half beat is 250 ms; a new tempo moves what is held at once.
    delay.set({ beats: 0.5 });
    depth.publish();
    clock.advance(125);
    expect(maps).toHaveLength(2);
    tempo.setBpm(240, 'internal');
    expect(maps.at(-1)).toEqual({ seq: 2, at: 225 });
    depth.publish();
    expect(maps).toHaveLength(3);
    delay.drain();
    expect(maps.at(-1)).toEqual({ seq: 3, at: 225 });
    delay.close();
    depth.publish();
    // Closed with the outputs' line: it no longer listens.
    expect(maps).toHaveLength(4);
  });
});

describe('the output delay in the server', () => {
  it('PUT /api/v1/output-delay holds back what the outputs and /api/v1/frame show', async () => {
    const rig = await startTestRig();
    try {
      await rig.frames(2);
      const set = await rig.call('/api/v1/output-delay', { method: 'PUT', body: { ms: 90 } });
      expect(set).toEqual({ status: 200, body: { unit: 'ms', value: 90, ms: 90, held: 0, skipped: 0 } });
      const frames = await rig.frames(10);
      const newest = frames.at(-1)!.seq;
      const res = await rig.request('/api/v1/frame');
      // At 30 fps the newest frame 90 ms old is the one three frames (100 ms) back: the picture is that far behind.
      expect(Number(res.headers.get('X-Frame-Seq'))).toBe(newest - 3);
      const stats = await rig.call('/api/v1/stats');
      expect(stats.body.outputDelayMs).toBe(90);
      const bad = await rig.call('/api/v1/output-delay', { method: 'PUT', body: { ms: 'soon' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/output delay/);
      expect((await rig.call('/api/v1/output-delay')).body).toMatchObject({ ms: 90 });
      // The command every surface reaches (OSC /scope/output/delay-beats 1): a beat at 120 bpm.
      const beats = await rig.call('/api/v1/commands/output/delay-beats', { body: { value: 1 } });
      expect(beats.status).toBe(200);
      expect((await rig.call('/api/v1/output-delay')).body).toMatchObject({ unit: 'beats', value: 1, ms: 500 });
    } finally {
      await rig.stop();
    }
  });
});
