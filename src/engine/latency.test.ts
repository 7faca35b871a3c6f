import { afterEach, describe, expect, it } from 'vitest';
import { LATENCY_WINDOW, LatencyTracker, latencySurfaceOf } from './latency';
import { arriving } from './arrival';
import { Engine } from './engine';
import { ManualClock } from './clock';
import { PipelineHost } from './host';
import { PipelineRegistry } from './registry';
import { solidPipeline, tickFrames } from './test-support';
import { ParamStore } from '../params/store';
import { OrtRuntime } from '../runtime/ort';
import type { ParamChange } from '../params/store';

const change = (source: string): ParamChange => ({
  kind: 'value',
  path: 'level',
  value: 1,
  previous: 0,
  source,
  mode: 'runtime',
});

describe('LatencyTracker', () => {
  it('measures from arrival to the first frame whose snapshot saw the change', () => {
    let now = 10;
    const t = new LatencyTracker(() => now);
    t.changed(change('osc'));
    const seen = t.version;
    t.published(seen - 1, 30); // a frame rendered before the change: not it
    expect(t.snapshot().osc.count).toBe(0);
    now = 12;
    t.changed(change('osc')); // a second change before the frame: the oldest one is measured
    t.published(seen, 43);
    expect(t.snapshot().osc).toEqual({ p50: 33, p95: 33, count: 1 });
    // The second change went out in the same frame: one sample per surface and frame, nothing left waiting.
    t.published(t.version, 80);
    expect(t.snapshot().osc.count).toBe(1);
  });

  it('a change that arrives while a render is in flight is measured to the frame after it', () => {
    let now = 0;
    const t = new LatencyTracker(() => now);
    t.changed(change('osc'));
    const first = t.snapshotTaken(); // frame 1's render starts with the first change
    now = 10;
    t.changed(change('osc')); // too late for it
    now = 20;
    t.changed(change('osc')); // goes out with the one before, which waited longer
    t.published(first, 33);
    const second = t.snapshotTaken();
    t.published(second, 66);
    expect(t.snapshot().osc).toEqual({ p50: 33, p95: 56, count: 2 });
  });

  it('keeps surfaces apart and leaves the perform layer out', () => {
    const t = new LatencyTracker(() => 0);
    for (const source of ['midi:Pad', 'ws:3', 'http', 'perform', 'cue', 'engine', 'dmx:artnet']) {
      t.changed(change(source));
    }
    t.published(t.version, 20);
    const s = t.snapshot();
    expect([s.midi.count, s.ws.count, s.http.count, s.dmx.count, s.osc.count, s.mcp.count]).toEqual([1, 1, 1, 1, 0, 0]);
    expect(latencySurfaceOf('perform')).toBeUndefined();
    expect(latencySurfaceOf('midi:Launch Control XL')).toBe('midi');
  });

  it("counts an MCP tool's HTTP write under mcp, stamped when the call arrived", () => {
    const t = new LatencyTracker(() => 50);
    arriving({ surface: 'mcp', at: 20 }, () => t.changed(change('http')));
    // An arrival stamps only its own surface's writes: a fade started by DMX writes as `perform`.
    arriving({ surface: 'dmx', at: 0 }, () => t.changed(change('http')));
    t.published(t.version, 70);
    expect(t.snapshot().mcp).toEqual({ p50: 50, p95: 50, count: 1 });
    expect(t.snapshot().http).toEqual({ p50: 20, p95: 20, count: 1 });
  });

  it('percentiles slide over the last LATENCY_WINDOW changes', () => {
    let now = 0;
    const t = new LatencyTracker(() => now);
    const sample = (ms: number) => {
      t.changed(change('osc'));
      now += ms;
      t.published(t.version, now);
    };
    for (let i = 0; i < LATENCY_WINDOW; i++) sample(100);
    for (let i = 0; i < 200; i++) sample(10);
    const osc = t.snapshot().osc;
    expect(osc.count).toBe(LATENCY_WINDOW);
    expect(osc.p50).toBe(10);
    expect(osc.p95).toBe(100);
  });
});

describe('the engine measures latency', () => {
  const engines: Engine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.stop()));
  });

  it('a change 10 ms into a 30 fps frame shows up in the next frame, 23.33 ms later', async () => {
    const clock = new ManualClock();
    const params = new ParamStore();
    const registry = new PipelineRegistry([solidPipeline()]);
    const resolution = { width: 8, height: 4 };
    const host = new PipelineHost({ registry, params, runtime: new OrtRuntime(), resolution, clock });
    const engine = new Engine({ clock, params, host, fps: 30, resolution });
    engines.push(engine);
    engine.start();
    await host.load('solid');
    await tickFrames(engine, clock, 3);
    clock.advance(10);
    params.set('level', 200, 'osc');
    const [frame] = await tickFrames(engine, clock, 1);
    expect(frame!.data[0]).toBe(200);
    expect(engine.latency.snapshot().osc).toEqual({ p50: 23.33, p95: 23.33, count: 1 });
    // Frames with nothing new add nothing.
    await tickFrames(engine, clock, 3);
    expect(engine.latency.snapshot().osc.count).toBe(1);
  });
});
