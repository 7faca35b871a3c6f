import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FrameJpegs } from './frame-jpegs';
import type { Frame } from '../../src/engine/frame';

/** An engine stand-in that publishes frames when told to. */
function fakeEngine() {
  let latest: Frame | undefined;
  const listeners = new Set<(f: Frame) => void>();
  let seq = 0;
  return {
    latest: () => latest,
    onFrame(l: (f: Frame) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    publish(level: number, repeatOf?: Frame): Frame {
      const data = repeatOf?.data ?? new Uint8Array(16 * 8 * 4).fill(level);
      latest = { data, width: 16, height: 8, seq: seq++, timestamp: seq * 33, pipelineId: 'x', repeated: !!repeatOf };
      for (const l of listeners) l(latest);
      return latest;
    },
  };
}

describe('FrameJpegs', () => {
  it('encodes a frame once for any number of clients', async () => {
    const engine = fakeEngine();
    const jpegs = new FrameJpegs(engine);
    engine.publish(100);
    const all = await Promise.all([jpegs.next(-1), jpegs.next(-1), jpegs.next(-1)]);
    expect(jpegs.encodes).toBe(1);
    expect(new Set(all.map((j) => j!.data)).size).toBe(1);
    expect(await sharp(all[0]!.data).metadata()).toMatchObject({ format: 'jpeg', width: 16, height: 8 });
  });

  it('waits for a newer frame, and the newest wins', async () => {
    const engine = fakeEngine();
    const jpegs = new FrameJpegs(engine);
    const first = engine.publish(10);
    const waiting = jpegs.next(first.seq);
    engine.publish(20);
    engine.publish(30);
    const got = await waiting;
    expect(got!.seq).toBe(2);
    expect(jpegs.encodes).toBe(1);
  });

  it('reuses the bytes of a repeated frame', async () => {
    const engine = fakeEngine();
    const jpegs = new FrameJpegs(engine);
    const good = engine.publish(50);
    const a = await jpegs.next(-1);
    engine.publish(0, good);
    const b = await jpegs.next(a!.seq);
    expect(b!.seq).toBe(a!.seq + 1);
    expect(b!.data).toBe(a!.data);
    expect(jpegs.encodes).toBe(1);
  });

  it('hands out undefined on abort and on close', async () => {
    const engine = fakeEngine();
    const jpegs = new FrameJpegs(engine);
    const abort = new AbortController();
    const a = jpegs.next(5, abort.signal);
    abort.abort();
    expect(await a).toBeUndefined();
    const b = jpegs.next(5);
    jpegs.close();
    expect(await b).toBeUndefined();
  });
});
