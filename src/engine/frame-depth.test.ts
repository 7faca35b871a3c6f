import { describe, expect, it } from 'vitest';
import { FrameDepth, depthOf, inFlight } from './frame-depth';
import type { DepthRender, LoopDepth } from './frame-depth';
import type { Image } from './frame';

/** A pipeline's two halves over a log: `issue n` when frame n's work is sent, `read n` when its pixels are read. */
function recorder(failRead = new Set<number>()) {
  const log: string[] = [];
  const dropped: number[] = [];
  const image = (n: number): Image => ({ data: new Uint8Array([n, 0, 0, 255]), width: 1, height: 1 });
  const renderOf = (n: number): DepthRender => ({
    render: async () => {
      log.push(`issue ${n}`, `read ${n}`);
      return image(n);
    },
    issue: async () => {
      log.push(`issue ${n}`);
      return {
        collect: async () => {
          log.push(`read ${n}`);
          dropped.push(n);
          if (failRead.has(n)) throw new Error(`frame ${n} failed`);
          return image(n);
        },
        drop: async () => void dropped.push(n),
      };
    },
  });
  return { log, dropped, renderOf };
}

async function run(depth: FrameDepth, depths: LoopDepth[], r: ReturnType<typeof recorder>, first = 0) {
  const shown: (number | undefined | string)[] = [];
  for (const [i, d] of depths.entries()) {
    try {
      const img = await depth.render(d, first + i, r.renderOf(first + i));
      shown.push(img?.data[0]);
    } catch (err) {
      shown.push((err as Error).message);
    }
  }
  return shown;
}

describe('FrameDepth', () => {
  it('at depth 1 reads each frame before the next is issued', async () => {
    const r = recorder();
    const shown = await run(new FrameDepth(), [1, 1, 1], r);
    expect(shown).toEqual([0, 1, 2]);
    expect(r.log).toEqual(['issue 0', 'read 0', 'issue 1', 'read 1', 'issue 2', 'read 2']);
  });

  it('at depth 2 issues frame n+1 before frame n is read, and shows every frame once, in order', async () => {
    const r = recorder();
    const shown = await run(new FrameDepth(), [2, 2, 2, 2, 2], r);
    // The first frame is rendered whole; the second only issues (nothing in flight yet); then one frame late.
    expect(shown).toEqual([0, undefined, 1, 2, 3]);
    expect(r.log).toEqual([
      'issue 0',
      'read 0',
      'issue 1',
      'issue 2',
      'read 1',
      'issue 3',
      'read 2',
      'issue 4',
      'read 3',
    ]);
    for (let n = 1; n <= 3; n++) expect(r.log.indexOf(`issue ${n + 1}`)).toBeLessThan(r.log.indexOf(`read ${n}`));
  });

  it('switches live: to depth 1 it hands over the frame in flight, to depth 2 it fills again', async () => {
    const r = recorder();
    const shown = await run(new FrameDepth(), [1, 2, 2, 1, 1, 2, 2], r);
    // Slot 3 shows the frame issued in slot 2 instead of rendering its own values: nothing lost, nothing twice.
    expect(shown).toEqual([0, undefined, 1, 2, 4, undefined, 5]);
    const shownFrames = shown.filter((s) => typeof s === 'number');
    expect(new Set(shownFrames).size).toBe(shownFrames.length);
    expect([...shownFrames].sort((a, b) => a - b)).toEqual(shownFrames);
    // Every issued frame was read and released, the one still in flight excepted.
    expect(r.dropped).toEqual([1, 2, 5]);
  });

  it('a frame that fails to read fails its own slot only; the frame after it is still shown', async () => {
    const r = recorder(new Set([2]));
    const shown = await run(new FrameDepth(), [2, 2, 2, 2, 2], r);
    expect(shown).toEqual([0, undefined, 1, 'frame 2 failed', 3]);
    // The failed frame's outputs were released all the same.
    expect(r.dropped).toContain(2);
  });

  it('drops the frame in flight when a new epoch starts or on a flush, releasing its outputs unread', async () => {
    const r = recorder();
    const depth = new FrameDepth();
    await run(depth, [2, 2, 2], r);
    expect(depth.inFlight).toBe(true);
    // The pipeline came back from warm: the engine counts its frames from 0 again.
    const again = await run(depth, [2, 2], r, 0);
    expect(again).toEqual([undefined, 0]);
    expect(r.log).not.toContain('read 2');
    expect(r.dropped).toContain(2);
    const reads = r.log.filter((l) => l === 'read 1').length;
    await depth.flush();
    expect(depth.inFlight).toBe(false);
    expect(r.log.filter((l) => l === 'read 1').length).toBe(reads);
    expect(r.dropped.at(-1)).toBe(1);
  });

  it('holds a failed run for its collect, releasing the outputs read or not', async () => {
    const released: string[] = [];
    const failed = inFlight(Promise.reject(new Error('run failed')), async () => void released.push('failed'));
    // A turn of the event loop with the rejection unobserved: it must not count as unhandled.
    await new Promise((resolve) => setImmediate(resolve));
    await expect(failed.collect()).rejects.toThrow('run failed');
    const good = inFlight(Promise.resolve({ data: new Uint8Array(4), width: 1, height: 1 }), async () => {
      released.push('dropped');
    });
    await good.drop();
    expect(released).toEqual(['failed', 'dropped']);
  });

  it('renders whole at depth 2 when the pipeline cannot split its render', async () => {
    const r = recorder();
    const depth = new FrameDepth();
    const shown: (number | undefined)[] = [];
    for (let n = 0; n < 3; n++) {
      shown.push((await depth.render(2, n, { ...r.renderOf(n), issue: undefined }))?.data[0]);
    }
    expect(shown).toEqual([0, 1, 2]);
    expect(depthOf(2)).toBe(2);
    expect([depthOf(1), depthOf('2'), depthOf(undefined)]).toEqual([1, 1, 1]);
  });
});
