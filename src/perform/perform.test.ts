import { afterEach, describe, expect, it } from 'vitest';
import { Perform } from './perform';
import { Engine } from '../engine/engine';
import { ManualClock } from '../engine/clock';
import { PipelineHost } from '../engine/host';
import { PipelineRegistry } from '../engine/registry';
import { solidPipeline } from '../engine/test-support';
import { ParamStore } from '../params/store';
import { OrtRuntime } from '../runtime/ort';
import { modulatorSchema } from '../shared/perform';
import type { Frame } from '../engine/frame';

let engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((e) => e.stop()));
  engines = [];
});

/** The solid pipeline (red = `level`) at 30 fps on the manual clock, with the perform layer at 120 bpm. */
async function rig() {
  const clock = new ManualClock();
  const params = new ParamStore();
  const events: { topic: string; data: unknown }[] = [];
  const perform = new Perform({
    params,
    now: () => clock.now(),
    bpm: 120,
    events: { emit: (topic, data) => events.push({ topic, data }) },
  });
  perform.start();
  const host = new PipelineHost({
    registry: new PipelineRegistry([solidPipeline()]),
    params,
    runtime: new OrtRuntime(),
    resolution: { width: 4, height: 2 },
    reloadDebounceMs: 0,
  });
  const engine = new Engine({ clock, params, host, fps: 30, resolution: { width: 4, height: 2 }, stage: perform });
  const frames: Frame[] = [];
  engine.onFrame((f) => frames.push(f));
  engines.push(engine);
  engine.start();
  await host.load('solid');
  const tick = async (n: number) => {
    const target = frames.length + n;
    while (frames.length < target) {
      clock.tick();
      await new Promise((r) => setImmediate(r));
    }
  };
  /** The red value of the frame whose timestamp is `ms` (frames are 1000/30 ms apart). */
  const redAt = (ms: number) => frames.find((f) => Math.abs(f.timestamp - ms) < 1e-6)!.data[0];
  return { clock, params, perform, frames, tick, redAt, events };
}

const frameMs = 1000 / 30;

describe('quantised changes', () => {
  it('a change sent on beat 0.2 with quantize "beat" lands on the frame of beat 1, not before', async () => {
    const { params, perform, tick, frames, redAt } = await rig();
    await tick(3);
    // 120 bpm: a beat is 500 ms, 15 frames; the change comes on a frame inside beat 0.
    expect(perform.tempo.beatAt()).toBeLessThan(0.5);
    expect(params.set('level', 200, 'http', { quantize: 'beat' })).toMatchObject({ ok: true, scheduled: 1 });
    expect(params.get('level')).toBe(10);
    await tick(14);
    expect(frames.at(-1)!.timestamp).toBeGreaterThan(16 * frameMs - 1e-6);
    expect(redAt(14 * frameMs)).toBe(10);
    expect(redAt(15 * frameMs)).toBe(200);
    expect(redAt(16 * frameMs)).toBe(200);
  });

  it('a surface set to "bar" waits for the next bar; an explicit "off" on the same surface does not', async () => {
    const { params, perform, tick, redAt } = await rig();
    perform.setQuantize('bar', 'osc');
    await tick(2);
    expect(params.set('level', 50, 'osc')).toMatchObject({ scheduled: 4 });
    expect(params.set('seed', 3, 'osc', { quantize: 'off' })).toMatchObject({ changed: true });
    await tick(60);
    // Bar 1 begins on beat 4: 2000 ms, frame 60.
    expect(redAt(59 * frameMs)).toBe(10);
    expect(redAt(60 * frameMs)).toBe(50);
  });
});

describe('modulators in the engine', () => {
  it('an LFO moves the rendered value at known times while the store keeps the performer value', async () => {
    const { params, perform, tick, redAt } = await rig();
    perform.modulators.put(modulatorSchema.parse({ id: 'wob', rate: 1, depth: 0.25, targets: ['level'] }));
    perform.defineModulatorParams({ add: [perform.modulators.get('wob')!] });
    await tick(16);
    const expected = (ms: number) => Math.round(10 + 0.25 * 255 * Math.sin(2 * Math.PI * (ms / 1000)));
    for (const n of [3, 6, 12, 15]) expect(redAt(n * frameMs)).toBe(Math.max(0, expected(n * frameMs)));
    expect(params.get('level')).toBe(10);
    // Its depth is a parameter: zero stills it.
    params.set('wob.depth', 0, 'midi:Pad');
    await tick(1);
    expect(redAt(17 * frameMs)).toBe(10);
  });
});

describe('cues, timeline and takes on frame boundaries', () => {
  it('a cue fades numbers along its curve and lands exactly on its values', async () => {
    const { perform, params, tick, redAt } = await rig();
    perform.cues.replace([{ name: 'up', values: { level: 110 }, fade: 1, curve: 'linear' }]);
    await tick(1);
    perform.cues.go(0, perform.now(), params);
    const from = perform.now();
    await tick(31);
    expect(redAt(from + 15 * frameMs)).toBe(60);
    expect(redAt(from + 30 * frameMs)).toBe(110);
    expect(params.get('level')).toBe(110);
    expect(perform.cues.state()).toMatchObject({ current: 0, fading: null });
  });

  it('a take replays the recorded changes at their times', async () => {
    const { perform, params, tick, redAt } = await rig();
    perform.takeRecorder.start('t1', perform.now(), 0, params.current());
    await tick(3);
    params.set('level', 90, 'osc');
    await tick(3);
    params.set('level', 30, 'midi:Pad');
    await tick(1);
    const take = perform.takeRecorder.stop(perform.now(), 120, 'solid', new Date(0))!;
    expect(take.events.map((e) => [Math.round(e.t / frameMs), e.source, e.values])).toEqual([
      [3, 'osc', { level: 90 }],
      [6, 'midi:Pad', { level: 30 }],
    ]);
    perform.apply(perform.takePlayer.play(take, perform.now()), 'take');
    const from = perform.now();
    await tick(8);
    expect(redAt(from + 2 * frameMs)).toBe(10);
    expect(redAt(from + 3 * frameMs)).toBe(90);
    expect(redAt(from + 6 * frameMs)).toBe(30);
  });
});
