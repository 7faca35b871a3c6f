import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { ManualClock } from './clock';
import { PipelineHost } from './host';
import { PipelineRegistry } from './registry';
import { solidPipeline } from './test-support';
import type { Frame } from './frame';
import type { PipelineDefinition } from './pipeline';
import { p } from '../params/spec';
import { ParamStore } from '../params/store';
import { OrtRuntime } from '../runtime/ort';

let engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((e) => e.stop()));
  engines = [];
});

function setup(defs: PipelineDefinition[] = [solidPipeline()], clock = new ManualClock(), reloadAfterFailures = 3) {
  const params = new ParamStore();
  const registry = new PipelineRegistry(defs);
  const host = new PipelineHost({
    registry,
    params,
    runtime: new OrtRuntime(),
    resolution: { width: 8, height: 4 },
    clock,
    reloadAfterFailures,
    renderTimeoutMs: 300,
  });
  const engine = new Engine({
    clock,
    params,
    host,
    fps: 30,
    resolution: { width: 8, height: 4 },
  });
  const frames: Frame[] = [];
  engine.onFrame((f) => frames.push(f));
  engines.push(engine);
  engine.start();
  return { params, host, engine, frames, clock };
}

/** Ticks the manual clock until `n` more frames were published. */
async function ticks(clock: ManualClock, frames: Frame[], n: number) {
  const target = frames.length + n;
  while (frames.length < target) {
    clock.tick();
    await new Promise((r) => setImmediate(r));
  }
  return frames.slice(-n);
}

/** Lets `ms` of clock time pass one frame interval at a time, as real time would, letting the loop run after each. */
async function pass(clock: ManualClock, ms: number) {
  for (let t = 0; t < ms - 1e-9; t += 1000 / 30) {
    clock.advance(Math.min(1000 / 30, ms - t));
    await new Promise((r) => setImmediate(r));
  }
}

describe('Engine', () => {
  it('renders one frame per tick with a parameter snapshot, seq and timestamps advancing', async () => {
    const { host, params, frames, clock } = setup();
    await host.load('solid');
    const [a, b] = await ticks(clock, frames, 2);
    expect(a!.data[0]).toBe(10);
    params.set('level', 200, 'http');
    const [c] = await ticks(clock, frames, 1);
    expect(c!.data[0]).toBe(200);
    expect(b!.seq).toBe(a!.seq + 1);
    expect(c!.timestamp - b!.timestamp).toBeCloseTo(1000 / 30, 6);
    expect(c!.repeated).toBe(false);
    expect(c!.width * c!.height * 4).toBe(c!.data.length);
  });

  it('sends blank frames before a pipeline is loaded', async () => {
    const { frames, clock } = setup();
    const [f] = await ticks(clock, frames, 1);
    expect(f!.repeated).toBe(true);
    expect(f!.pipelineId).toBe('none');
    expect([f!.width, f!.height]).toEqual([8, 4]);
    expect(f!.data[0]).toBe(0);
    expect(f!.data[3]).toBe(255);
  });

  it('keeps sending the last good frame while renders fail, reports the error, and recovers', async () => {
    const def = solidPipeline('flaky', { failFrom: 2, failUntil: 4 });
    const { host, params, frames, clock, engine } = setup([def], new ManualClock(), 100);
    await host.load('flaky');
    params.set('level', 77, 'http');
    const good = await ticks(clock, frames, 2);
    expect(good.every((f) => f.data[0] === 77 && !f.repeated)).toBe(true);
    const bad = await ticks(clock, frames, 1);
    expect(bad[0]!.repeated).toBe(true);
    expect(bad[0]!.data[0]).toBe(77);
    expect(host.status()).toMatchObject({ state: 'error', error: { during: 'render', consecutive: 1 } });
    expect(host.status().error!.message).toContain('failed on purpose');
    // Frames keep coming while the pipeline waits out its backoff.
    const waiting = await ticks(clock, frames, 5);
    expect(waiting.every((f) => f.repeated)).toBe(true);
    // After the backoff (250 ms, then 1 s) the pipeline is retried: render 4 fails too, render 5 succeeds.
    let recovered: Frame | undefined;
    for (let i = 0; i < 200 && !recovered; i++) {
      const [f] = await ticks(clock, frames, 1);
      if (!f!.repeated) recovered = f;
    }
    expect(recovered).toBeDefined();
    expect(recovered!.timestamp - bad[0]!.timestamp).toBeGreaterThanOrEqual(1250);
    expect(host.status()).toMatchObject({ state: 'ready', error: null });
    expect(engine.getStats().renderErrors).toBe(2);
  });

  it('reloads a pipeline after repeated failures', async () => {
    const def = solidPipeline('broken', { failFrom: 0 });
    const { host, frames, clock } = setup([def], new ManualClock(), 2);
    await host.load('broken');
    for (let i = 0; i < 400 && def.created < 2; i++) await ticks(clock, frames, 1);
    expect(def.created).toBeGreaterThanOrEqual(2);
    expect(def.unloaded).toBeGreaterThanOrEqual(1);
    await host.settled();
    expect(host.status().state).toBe('error');
  });

  it('keeps the frame rate when a render hangs', async () => {
    const clock = new ManualClock();
    const def = solidPipeline('slow', { delay: { ms: 250, clock } });
    const { host, frames } = setup([def], clock);
    await host.load('slow');
    const start = frames.length;
    await pass(clock, 600);
    const sent = frames.slice(start);
    // 30 fps for 0.6 s is ~18 slots; a render of 250 ms would give ~2 without the repeat.
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.filter((f) => !f.repeated).length).toBeLessThanOrEqual(3);
  });

  it('unloads the old pipeline once the new one rendered, and reloads on a load-time change', async () => {
    const a = solidPipeline('a');
    const b = solidPipeline('b');
    const { host, params, frames, clock } = setup([a, b]);
    await host.load('a');
    await host.load('b');
    // a is kept (to fall back to) until b has rendered a good frame, then unloaded.
    expect(a.unloaded).toBe(0);
    expect(host.status()).toMatchObject({ state: 'ready', pipelineId: 'b' });
    const [fromB] = await ticks(clock, frames, 1);
    expect(fromB!.pipelineId).toBe('b');
    expect(a.unloaded).toBe(1);
    // A dragged slider reloads once, after the debounce (150 ms on the clock).
    params.set('seed', 4, 'http');
    clock.advance(100);
    params.set('seed', 5, 'http');
    clock.advance(149);
    expect(b.created).toBe(1);
    clock.advance(1);
    await host.settled();
    expect(b.created).toBe(2);
    const [f] = await ticks(clock, frames, 1);
    expect(f!.data[2]).toBe(5);
  });

  it('reports a load failure in status and keeps sending frames', async () => {
    const { host, frames, clock } = setup([solidPipeline('nofiles', { loadFails: true })]);
    await host.load('nofiles');
    expect(host.status()).toMatchObject({ state: 'error', error: { during: 'load', message: 'weights missing' } });
    const sent = await ticks(clock, frames, 3);
    expect(sent).toHaveLength(3);
  });

  it('counts dropped slots when a frame overruns by whole intervals', async () => {
    const clock = new ManualClock();
    const { host, engine } = setup([solidPipeline('late', { delay: { ms: 120, clock } })], clock);
    await host.load('late');
    await pass(clock, 500);
    const stats = engine.getStats();
    expect(stats.frames).toBeGreaterThan(5);
    expect(stats.late).toBeGreaterThan(0);
  });

  it('hands the input at the output size to a pipeline that takes it, and never asks for one otherwise', async () => {
    const echo: PipelineDefinition = {
      id: 'echo',
      name: 'Echo',
      description: 'Its input, or grey without one.',
      params: { on: p.bool(true) },
      takesInput: (params) => params.on === true,
      create: () => ({
        async load() {},
        render: (ctx, _params, input) =>
          input ?? { data: new Uint8Array(ctx.width * ctx.height * 4).fill(128), width: ctx.width, height: ctx.height },
        unload() {},
      }),
    };
    const { host, engine, params, frames, clock } = setup([echo, solidPipeline()]);
    const asked: string[] = [];
    engine.setInput({
      frame: (width, height) => {
        asked.push(`${width}x${height}`);
        return { data: new Uint8Array(width * height * 4).fill(7), width, height };
      },
    });
    await host.load('echo');
    const [withInput] = await ticks(clock as ManualClock, frames, 1);
    expect(withInput!.data[0]).toBe(7);
    expect(asked).toEqual(['8x4']);
    // The definition's function says no for these parameters: the provider is not even asked.
    params.set('on', false, 'http');
    const [without] = await ticks(clock as ManualClock, frames, 1);
    expect(without!.data[0]).toBe(128);
    await host.load('solid');
    await ticks(clock as ManualClock, frames, 2);
    expect(asked).toEqual(['8x4']);
  });
});
