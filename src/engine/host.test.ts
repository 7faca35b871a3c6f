import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { ManualClock } from './clock';
import { PipelineHost } from './host';
import type { PipelineHostOptions, PipelineStatus } from './host';
import { PipelineRegistry } from './registry';
import { solidPipeline } from './test-support';
import type { Frame } from './frame';
import { definePipeline } from './pipeline';
import type { PipelineDefinition } from './pipeline';
import { ParamStore } from '../params/store';
import { OrtRuntime } from '../runtime/ort';

let engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((e) => e.stop()));
  engines = [];
});

/** A host and engine on a manual clock; every status and log line is kept. */
function hostRig(defs: PipelineDefinition[], options: Partial<PipelineHostOptions> = {}, clock = new ManualClock()) {
  const params = new ParamStore();
  const lines: string[] = [];
  const host = new PipelineHost({
    registry: new PipelineRegistry(defs),
    params,
    runtime: new OrtRuntime(),
    resolution: { width: 64, height: 64 },
    clock,
    log: (m) => lines.push(m),
    ...options,
  });
  const engine = new Engine({ clock, params, host, fps: 30, resolution: { width: 64, height: 64 } });
  const frames: Frame[] = [];
  const statuses: PipelineStatus[] = [];
  engine.onFrame((f) => frames.push(f));
  host.onStatus((s) => statuses.push(s));
  engines.push(engine);
  engine.start();
  /** Lets `ms` of clock time pass one frame interval at a time, the loop running after each. */
  const pass = async (ms: number) => {
    for (let t = 0; t < ms - 1e-9; t += 1000 / 30) {
      clock.advance(Math.min(1000 / 30, ms - t));
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    }
  };
  return { clock, params, host, engine, frames, statuses, lines, pass };
}

describe('the watchdog in the host', () => {
  it('a render that outlives the watchdog never resets the failures when it comes back: backoff, then reload', async () => {
    // Every render takes 10.1 s on the clock; the watchdog gives up at 10 s, and the result comes back late.
    const clock = new ManualClock();
    const slow = solidPipeline('slow', { delay: { ms: 10_100, clock } });
    const r = hostRig([slow], { renderTimeoutMs: 10_000 }, clock);
    await r.host.load('slow');
    const start = r.frames.length;
    await r.pass(45_000);
    const errors = r.statuses.map((s) => s.error?.consecutive ?? 0);
    const firstError = r.statuses.findIndex((s) => s.state === 'error');
    // Before, the late result set the state back to ready and the count to 0 every few seconds.
    expect(r.statuses.slice(firstError).some((s) => s.state === 'ready')).toBe(false);
    expect(Math.max(...errors)).toBeGreaterThanOrEqual(3);
    const phases = r.host.status().transitions.map((t) => `${t.from}>${t.to}`);
    expect(phases).toContain('ready>hung');
    expect(phases).toContain('hung>backoff');
    // The third timeout in a row reloads the pipeline.
    expect(slow.created).toBeGreaterThanOrEqual(2);
    expect(r.lines.some((l) => l.includes('reloading after 3 failed renders in a row'))).toBe(true);
    // Frames kept coming at 30 fps throughout (the last good one, here the blank frame, repeated).
    expect(r.frames.length - start).toBeGreaterThanOrEqual(Math.floor(45 * 30) - 2);
  });

  it('a hung render that never returns is reloaded when its backoff ends, and the new instance renders', async () => {
    let hangs = 1;
    let created = 0;
    const base = solidPipeline('stuck');
    const stuck: PipelineDefinition = {
      ...base,
      create() {
        created++;
        const inner = base.create();
        return {
          load: (ctx) => inner.load(ctx as never),
          render: (ctx, params) => (hangs-- > 0 ? new Promise(() => {}) : inner.render(ctx, params as never)),
          unload: () => inner.unload(),
        };
      },
    };
    const r = hostRig([stuck], { renderTimeoutMs: 1000 });
    await r.host.load('stuck');
    await r.pass(1500);
    await r.host.settled();
    await r.pass(200);
    expect(created).toBe(2);
    expect(r.host.status()).toMatchObject({ state: 'ready', phase: 'ready', error: null });
    expect(r.frames.at(-1)!.repeated).toBe(false);
    const reasons = r.host.status().transitions.map((t) => t.reason);
    expect(reasons).toContain('render took longer than 1000 ms (once); reloading in 250 ms unless it comes back');
    expect(reasons).toContain('the render that timed out never came back; reloading');
  });

  it('width and height changes are reloads, never failures, however many come at once', async () => {
    const solid = solidPipeline('solid');
    const r = hostRig([solid]);
    await r.host.load('solid');
    await r.pass(100);
    for (const w of [72, 80, 88, 96, 104, 112]) {
      r.params.set('width', w, 'http');
      await r.pass(40);
    }
    await r.pass(300);
    await r.host.settled();
    await r.pass(100);
    expect(r.host.renderFailures).toBe(0);
    expect(r.statuses.some((s) => s.state === 'error')).toBe(false);
    // Frames are the old size until the one reload after the burst, then the new size.
    const sizes = [...new Set(r.frames.filter((f) => !f.repeated).map((f) => `${f.width}x${f.height}`))];
    expect(sizes).toEqual(['64x64', '112x64']);
    expect(solid.created).toBe(2);
    const reload = r.host.status().transitions.find((t) => t.event === 'load' && t.reason.includes('width'));
    expect(reload).toMatchObject({ from: 'ready', to: 'loading', reason: 'reloading solid: width changed' });
  });

  it('each transition is told to status listeners and the log with its reason', async () => {
    const r = hostRig([solidPipeline('flaky', { failFrom: 1, failUntil: 2 })]);
    await r.host.load('flaky');
    await r.pass(400);
    const seen = r.statuses.map((s) => s.phase).filter((p, i, a) => p !== a[i - 1]);
    expect(seen).toEqual(['loading', 'ready', 'backoff', 'ready']);
    expect(r.lines.filter((l) => l.startsWith('pipeline flaky: '))).toEqual([
      'pipeline flaky: idle -> loading: loading flaky',
      expect.stringMatching(/^pipeline flaky: loading -> ready: loaded flaky in \d+ ms$/),
      'pipeline flaky: ready -> backoff: render failed once: render 2 failed on purpose; next try in 250 ms',
      'pipeline flaky: backoff -> ready: rendering again after 1 failure',
    ]);
  });
});

describe('warm pipelines', () => {
  it('a switch back to a warm pipeline is instant and keeps its values', async () => {
    const a = solidPipeline('a');
    const b = solidPipeline('b');
    const r = hostRig([a, b], { warm: 1 });
    await r.host.load('a', { level: 30 });
    await r.host.load('b', { level: 200 });
    expect(r.host.status().warm).toEqual(['a']);
    await r.host.load('a');
    expect(a.created).toBe(1);
    expect(a.unloaded).toBe(0);
    expect(r.params.get('level')).toBe(30);
    expect(r.host.status()).toMatchObject({ state: 'ready', pipelineId: 'a', warm: ['b'] });
    expect(r.host.status().transitions.at(-1)!.reason).toBe('switched to a at once (it was kept warm)');
    await r.pass(100);
    expect(r.frames.at(-1)).toMatchObject({ pipelineId: 'a', repeated: false });
    expect(r.frames.at(-1)!.data[0]).toBe(30);
  });

  it('a load the memory budget admits after unloading warm ones unloads the least recently used first', async () => {
    const defs = ['a', 'b', 'c', 'd'].map((id) => solidPipeline(id));
    const asked: string[][] = [];
    // The budget's answer for d: unload one warm pipeline first.
    const admit = (req: { id: string; warm: readonly { id: string }[] }) => {
      asked.push(req.warm.map((p) => p.id));
      return req.id === 'd' ? 1 : 0;
    };
    const r = hostRig(defs, { warm: 3, admit });
    for (const id of ['a', 'b', 'c']) await r.host.load(id);
    expect(r.host.status().warm).toEqual(['a', 'b']);
    await r.host.load('d');
    expect(asked.at(-1)).toEqual(['a', 'b']);
    expect(r.host.status()).toMatchObject({ pipelineId: 'd', warm: ['b', 'c'] });
    expect(defs.map((d) => d.unloaded)).toEqual([1, 0, 0, 0]);
    expect(r.lines.some((l) => /a.*to make room for d within the memory budget/.test(l))).toBe(true);
  });

  it('a load the memory budget refuses changes nothing', async () => {
    const defs = ['a', 'b'].map((id) => solidPipeline(id));
    const admit = (req: { id: string }) => {
      if (req.id === 'b') throw new Error('loading b needs about 3.5 GB');
      return 0;
    };
    const r = hostRig(defs, { admit });
    await r.host.load('a');
    await expect(r.host.load('b')).rejects.toThrow('loading b needs about 3.5 GB');
    expect(r.host.status()).toMatchObject({ state: 'ready', pipelineId: 'a' });
    expect(defs[1]!.created).toBe(0);
  });

  it('past the warm limit the least recently used one is unloaded', async () => {
    const defs = ['a', 'b', 'c'].map((id) => solidPipeline(id));
    const r = hostRig(defs, { warm: 1 });
    for (const id of ['a', 'b', 'c']) await r.host.load(id);
    expect(r.host.status().warm).toEqual(['b']);
    expect(defs.map((d) => d.unloaded)).toEqual([1, 0, 0]);
  });

  it('a switch between two warm pipelines can crossfade: both render, and the frames mix', async () => {
    const r = hostRig([solidPipeline('a'), solidPipeline('b')], { warm: 1 });
    await r.host.load('a', { level: 0 });
    await r.host.load('b', { level: 240 });
    await r.pass(100);
    await r.host.load('a', {}, { fadeMs: 500 });
    const from = r.frames.length;
    await r.pass(700);
    const reds = r.frames.slice(from).map((f) => f.data[0]!);
    // From b's 240 down to a's 0 over the fade, through the values between, never back up.
    expect(reds[0]).toBeGreaterThan(200);
    expect(reds.at(-1)).toBe(0);
    expect(reds.filter((v) => v > 20 && v < 220).length).toBeGreaterThanOrEqual(5);
    expect(reds.every((v, i) => i === 0 || v <= reds[i - 1]!)).toBe(true);
  });

  it('holds a mix of the active pipeline with a warm one at the fader, until cleared or the next load', async () => {
    const r = hostRig([solidPipeline('a'), solidPipeline('b')], { warm: 1 });
    await r.host.load('a', { level: 0 });
    await r.host.load('b', { level: 200 });
    expect(r.host.holdMix('b', () => 0.5)).toMatch(/b is the active pipeline/);
    expect(r.host.holdMix('c', () => 0.5)).toMatch(/c is not kept warm \(warm: a\)/);
    let fader = 0;
    expect(r.host.holdMix('a', () => fader)).toBeUndefined();
    expect(r.host.heldMix()).toBe('a');
    const red = async () => {
      await r.pass(100);
      return r.frames.at(-1)!.data[0]!;
    };
    // The fader, not the clock, says how much of each: a's 0 at 0, b's 200 at 1, halfway between at 0.5.
    expect(await red()).toBe(0);
    fader = 1;
    expect(await red()).toBe(200);
    fader = 0.5;
    expect(Math.abs((await red()) - 100)).toBeLessThanOrEqual(1);
    await r.pass(1000);
    expect(Math.abs(r.frames.at(-1)!.data[0]! - 100)).toBeLessThanOrEqual(1);
    r.host.holdMix(null, () => 0);
    expect(await red()).toBe(200);
    expect(r.host.heldMix()).toBeNull();
  });
});

describe('the pipeline before a load', () => {
  /** `id` as the solid pipeline, with a load that takes `ms` on the clock and then fails when `fails`. */
  const slowLoad = (id: string, clock: ManualClock, ms: number, fails = false) => {
    const inner = solidPipeline(id);
    return definePipeline({
      ...inner,
      create() {
        const p = inner.create();
        return {
          ...p,
          async load(ctx) {
            await new Promise<void>((resolve) => clock.after(ms, resolve));
            if (fails) throw new Error(`${id}: no session`);
            return p.load(ctx);
          },
        };
      },
    }) as PipelineDefinition;
  };

  it.each([
    ['loads', false],
    ['fails to load', true],
  ])('renders fresh frames while the next one %s', async (_what, fails) => {
    const clock = new ManualClock();
    const r = hostRig([solidPipeline('a'), slowLoad('b', clock, 2000, fails)], {}, clock);
    await r.host.load('a');
    await r.pass(100);
    const loading = r.host.load('b');
    const from = r.frames.length;
    for (let i = 0; i < 30; i++) {
      clock.advance(1000 / 30);
      for (let j = 0; j < 3; j++) await new Promise((resolve) => setImmediate(resolve));
    }
    const during = r.frames.slice(from);
    expect(r.host.status()).toMatchObject({ state: 'loading', pipelineId: 'b' });
    // 30 intervals, 30 frames, each rendered by a (green is its frame index: every frame differs).
    expect(during).toHaveLength(30);
    expect(during.every((f) => f.pipelineId === 'a' && !f.repeated)).toBe(true);
    expect(new Set(during.map((f) => f.data[1])).size).toBe(30);
    await r.pass(1100);
    await loading;
    await r.pass(100);
    const last = r.frames.at(-1)!;
    expect(last).toMatchObject({ pipelineId: fails ? 'a' : 'b', repeated: false });
    expect(r.host.status()).toMatchObject({
      state: 'ready',
      pipelineId: fails ? 'a' : 'b',
      lastLoadError: fails ? { pipelineId: 'b', phase: 'load', message: 'b: no session' } : null,
    });
    expect(r.params.owner).toBe(fails ? 'a' : 'b');
  });

  it('fills in while the new one renders its first frame slowly, then hands over', async () => {
    const clock = new ManualClock();
    const a = solidPipeline('a');
    const r = hostRig([a, solidPipeline('b', { delay: { ms: 2000, clock } })], {}, clock);
    await r.host.load('a');
    await r.pass(100);
    await r.host.load('b');
    const from = r.frames.length;
    for (let i = 0; i < 30; i++) {
      clock.advance(1000 / 30);
      for (let j = 0; j < 3; j++) await new Promise((resolve) => setImmediate(resolve));
    }
    const during = r.frames.slice(from);
    // b's first render takes 2 s on the clock: meanwhile a frame per interval, each a fresh one of a.
    expect(during).toHaveLength(30);
    expect(during.every((f) => f.pipelineId === 'a' && !f.repeated)).toBe(true);
    expect(new Set(during.map((f) => f.data[1])).size).toBe(30);
    expect(a.unloaded).toBe(0);
    await r.pass(1100);
    // b's first frame (its frame index 0 in green) is shown, not dropped for one of a's.
    const firstOfB = r.frames.find((f) => f.pipelineId === 'b' && !f.repeated);
    expect(firstOfB?.data[1]).toBe(0);
    expect(a.unloaded).toBe(1);
    expect(r.host.status()).toMatchObject({ state: 'ready', pipelineId: 'b', lastLoadError: null });
  });
});
