import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../src/engine/engine';
import { ManualClock } from '../src/engine/clock';
import { PipelineHost } from '../src/engine/host';
import { PipelineRegistry } from '../src/engine/registry';
import { solidPipeline } from '../src/engine/test-support';
import { ParamStore } from '../src/params/store';
import { OrtRuntime } from '../src/runtime/ort';
import { OutputHub } from './hub';
import { FakeOutput } from './test-output';
import type { Frame } from '../src/engine/frame';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function setup(...outputs: FakeOutput[]) {
  const params = new ParamStore();
  const resolution = { width: 8, height: 4 };
  const host = new PipelineHost({
    registry: new PipelineRegistry([solidPipeline()]),
    params,
    runtime: new OrtRuntime(),
    resolution,
  });
  const clock = new ManualClock();
  const engine = new Engine({ clock, params, host, fps: 30, resolution });
  const frames: Frame[] = [];
  engine.onFrame((f) => frames.push(f));
  const logs: string[] = [];
  const events: unknown[] = [];
  const hub = new OutputHub({ log: (m) => logs.push(m), events: { emit: (_, data) => events.push(data) } });
  for (const o of outputs) hub.add(o, true);
  await hub.start(engine);
  engine.start();
  await host.load('solid');
  stops.push(async () => {
    await hub.stop();
    await engine.stop();
    await host.stop();
  });
  /** Ticks the manual clock until `n` more frames were published, letting the hub deliver after each. */
  const tick = async (n: number) => {
    const target = frames.length + n;
    while (frames.length < target) {
      clock.tick();
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setImmediate(r));
    return frames.slice(-n);
  };
  return { hub, engine, frames, tick, logs, events };
}

describe('OutputHub', () => {
  it('a stalled and a throwing output drop frames for themselves only; the loop and the others keep every frame', async () => {
    const good = new FakeOutput('good');
    const stalled = Object.assign(new FakeOutput('stalled'), { behaviour: 'stall' as const });
    const throwing = Object.assign(new FakeOutput('throwing'), { behaviour: 'throw' as const });
    const { hub, engine, frames, tick, logs } = await setup(good, stalled, throwing);
    const before = frames.length;
    const published = await tick(30);

    // The loop published every frame it was asked for, and the healthy output got each of them.
    expect(frames).toHaveLength(before + 30);
    expect(engine.getStats().frames).toBe(frames.length);
    expect(good.seqs).toEqual(frames.map((f) => f.seq));
    expect(good.seqs.slice(-30)).toEqual(published.map((f) => f.seq));
    expect(hub.info('good')).toMatchObject({ state: 'running', dropped: 0, errors: 0 });

    expect(stalled.seqs).toHaveLength(1);
    // One frame waits for it (the newest), the rest are dropped and counted.
    expect(hub.info('stalled').dropped).toBe(frames.length - 2);

    expect(throwing.seqs).toHaveLength(frames.length);
    expect(hub.info('throwing')).toMatchObject({
      state: 'error',
      errors: frames.length,
      reason: 'failing: sink exploded',
    });
    // One line at the start of the streak, not one per frame.
    expect(logs.filter((l) => l.includes('sink exploded'))).toHaveLength(1);
  });

  it('a slow output gets the newest frame when it is done, never a backlog', async () => {
    const slow = Object.assign(new FakeOutput('slow'), { behaviour: 'slow' as const });
    const { hub, frames, tick } = await setup(slow);
    await tick(5);
    expect(slow.seqs).toEqual([frames[0]!.seq]);
    slow.finish();
    await new Promise((r) => setImmediate(r));
    expect(slow.seqs).toEqual([frames[0]!.seq, frames.at(-1)!.seq]);
    expect(hub.info('slow').dropped).toBe(frames.length - 2);
  });

  it('recovers from a failing streak and says so', async () => {
    const flaky = new FakeOutput('flaky');
    flaky.behaviour = 'throw';
    const { hub, tick, logs } = await setup(flaky);
    await tick(3);
    expect(hub.info('flaky').state).toBe('error');
    flaky.behaviour = 'ok';
    await tick(1);
    expect(hub.info('flaky')).toMatchObject({ state: 'running', errors: flaky.seqs.length - 1 });
    expect(logs).toContain('Output Fake flaky recovered.');
  });

  it('converts each frame once per format, shared by every output that asks', async () => {
    const a = Object.assign(new FakeOutput('a'), { format: 'bgra' as const });
    const b = Object.assign(new FakeOutput('b'), { format: 'bgra' as const });
    const c = Object.assign(new FakeOutput('c'), { format: 'uyvy' as const });
    const { hub, frames, tick } = await setup(a, b, c);
    await tick(4);
    const counts = (hub as unknown as { cache: { counts: Record<string, number> } }).cache.counts;
    expect(a.seqs).toHaveLength(frames.length);
    expect(b.seqs).toHaveLength(frames.length);
    expect(counts.bgra).toBe(new Set(frames.map((f) => f.data)).size);
    expect(counts.uyvy).toBe(counts.bgra);
    expect(counts.i420).toBeUndefined();
  });

  it('lists unavailable outputs with their reason and will not enable them', async () => {
    const missing = Object.assign(new FakeOutput('syphon', 'syphon'), { unavailable: 'Syphon needs macOS' });
    const { hub } = await setup(missing);
    expect(hub.info('syphon')).toMatchObject({ available: false, state: 'unavailable', reason: 'Syphon needs macOS' });
    expect(missing.started).toBe(0);
    await expect(hub.setEnabled('syphon', true)).rejects.toThrow(/unavailable: Syphon needs macOS/);
  });

  it('enables and disables at runtime, telling listeners', async () => {
    const o = new FakeOutput('o');
    const { hub, events, tick } = await setup(o);
    await hub.setEnabled('o', false);
    expect(o.stopped).toBe(1);
    expect(hub.info('o')).toMatchObject({ enabled: false, state: 'off' });
    const before = o.seqs.length;
    await tick(2);
    expect(o.seqs).toHaveLength(before);
    await hub.setEnabled('o', true);
    await tick(1);
    expect(o.seqs).toHaveLength(before + 1);
    expect(events.length).toBeGreaterThanOrEqual(2);
  });
});
