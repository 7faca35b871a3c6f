import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { ManualClock } from '../clock';
import { PipelineHost } from '../host';
import { PipelineRegistry } from '../registry';
import { definePipeline } from '../pipeline';
import type { Frame, Image } from '../frame';
import type { FrameInterpolator } from './interpolator';
import { OnnxInterpolator } from './onnx-interpolator';
import { ParamStore } from '../../params/store';
import { OrtRuntime } from '../../runtime/ort';

let engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((e) => e.stop()));
  engines = [];
});

/** A pipeline whose red channel is 40 x its frame index, so the frame between two renders is known exactly. */
function ramp(failing: Set<number> = new Set()) {
  const def = {
    renders: 0,
    ...definePipeline({
      id: 'ramp',
      name: 'Ramp',
      description: 'red = 40 x frame index, for tests',
      params: {},
      create: () => ({
        load: async () => {},
        render: (ctx): Image => {
          def.renders++;
          if (failing.has(ctx.frameIndex)) throw new Error(`render ${ctx.frameIndex} failed on purpose`);
          const data = new Uint8Array(ctx.width * ctx.height * 4).fill(255);
          for (let i = 0; i < data.length; i += 4) data[i] = (40 * ctx.frameIndex) % 256;
          return { data, width: ctx.width, height: ctx.height };
        },
        unload: () => {},
      }),
    }),
  };
  return def;
}

async function setup(
  def: ReturnType<typeof ramp>,
  interpolate: number,
  interpolator?: FrameInterpolator,
  resolution = { width: 4, height: 2 },
) {
  const clock = new ManualClock();
  const params = new ParamStore();
  const registry = new PipelineRegistry([def]);
  const host = new PipelineHost({ registry, params, runtime: new OrtRuntime(), resolution, clock });
  const engine = new Engine({ clock, params, host, fps: 30, resolution, interpolator });
  const frames: Frame[] = [];
  engine.onFrame((f) => frames.push(f));
  engines.push(engine);
  await host.load('ramp');
  params.set('interpolate', interpolate, 'http');
  engine.start();
  return { clock, params, host, engine, frames };
}

/** Lets `n` frame intervals of clock time pass, one at a time, letting the loop run after each. */
async function slots(clock: ManualClock, n: number) {
  for (let i = 0; i < n; i++) {
    clock.advance(1000 / 30);
    await new Promise((r) => setImmediate(r));
  }
}

const reds = (frames: Frame[]) => frames.map((f) => f.data[0]);
/** The frames from the first rendered one on (the first slot may go out before the first render is back). */
const rendered = (frames: Frame[]) => frames.slice(frames.findIndex((f) => !f.repeated));

describe('frame interpolation in the engine', () => {
  it('interpolate=2 sends two frames per rendered one, the in-between one halfway, one rendered frame late', async () => {
    const def = ramp();
    const { clock, frames } = await setup(def, 2);
    await slots(clock, 10);
    const out = rendered(frames).slice(0, 10);
    // Render n (red 40n) goes out after the frame halfway from render n-1; the first one is held for its slot.
    expect(reds(out)).toEqual([0, 0, 20, 40, 60, 80, 100, 120, 140, 160]);
    expect(out.every((f) => !f.repeated)).toBe(true);
    out.forEach((f, i) => expect(f.timestamp - out[0]!.timestamp).toBeCloseTo((i * 1000) / 30, 6));
    // One render per two frames out (the render for the frames after these is already under way).
    expect(def.renders).toBe(6);
  });

  it('interpolate=4 sends the quarter points, and switching live changes the rate from the next render', async () => {
    const def = ramp();
    const { clock, params, frames } = await setup(def, 4);
    await slots(clock, 10);
    expect(reds(rendered(frames).slice(4, 10))).toEqual([10, 20, 30, 40, 50, 60]);
    params.set('interpolate', 1, 'http');
    // The segment going out and the one rendering (4 frames each) finish; then every frame is a render of its own.
    await slots(clock, 8);
    const [renders, seen] = [def.renders, frames.length];
    await slots(clock, 4);
    expect(frames.length - seen).toBe(4);
    expect(def.renders - renders).toBe(4);
    params.set('interpolate', 2, 'http');
    await slots(clock, 2);
    const [renders2, seen2] = [def.renders, frames.length];
    await slots(clock, 8);
    expect(frames.length - seen2).toBe(8);
    expect(def.renders - renders2).toBe(4);
  });

  it('a failing render keeps the outputs at their rate: the last good frame repeats, then frames go on', async () => {
    const def = ramp(new Set([3, 4]));
    const { clock, frames, engine } = await setup(def, 2);
    await slots(clock, 13);
    // One frame per slot, whatever the renders did.
    expect(frames).toHaveLength(14);
    const intervals = frames.slice(1).map((f, i) => f.timestamp - frames[i]!.timestamp);
    expect(intervals.every((ms) => Math.abs(ms - 1000 / 30) < 1e-9)).toBe(true);
    expect(frames.some((f) => f.repeated)).toBe(true);
    expect(frames.at(-1)!.repeated).toBe(false);
    expect(engine.getStats().renderErrors).toBeGreaterThanOrEqual(1);
  });

  it('stats count frames out and rendered frames apart: renderedFps = fps / 2', async () => {
    const { clock, params, engine } = await setup(ramp(), 2);
    await slots(clock, 60);
    // The window is one second of clock time, 30 or 31 frame times (steps of 1000/30 ms do not add up exactly).
    const stats = engine.getStats();
    expect([30, 31]).toContain(stats.fps);
    expect(Math.abs(stats.renderedFps - stats.fps / 2)).toBeLessThanOrEqual(0.5);
    params.set('interpolate', 1, 'http');
    await slots(clock, 60);
    const plain = engine.getStats();
    expect(plain.renderedFps).toBe(plain.fps);
  });

  it('an interpolator that throws gives the crossfade, and the frames still go out', async () => {
    const broken: FrameInterpolator = { between: () => Promise.reject(new Error('graph failed')) };
    const { clock, frames } = await setup(ramp(), 2, broken);
    await slots(clock, 6);
    expect(reds(rendered(frames).slice(0, 6))).toEqual([0, 0, 20, 40, 60, 80]);
  });

  it('an interpolator is asked for the right times between the right images', async () => {
    const asked: string[] = [];
    const spy: FrameInterpolator = {
      between: (a, b, times) => {
        asked.push(`${a.data[0]}->${b.data[0]} @ ${times.map((t) => t.toFixed(3)).join(',')}`);
        return Promise.resolve(times.map(() => a));
      },
    };
    const { clock } = await setup(ramp(), 3, spy);
    await slots(clock, 7);
    expect(asked.slice(0, 2)).toEqual(['0->40 @ 0.333,0.667', '40->80 @ 0.333,0.667']);
  });

  it('through the tiny ONNX graph (zero flow head) the in-between frames are the blends, one slot each', async () => {
    const runtime = new OrtRuntime({ intraOpThreads: 1 });
    const interpolator = new OnnxInterpolator({ runtime, model: 'tiny', zeroHead: true });
    const { clock, frames, engine } = await setup(ramp(), 2, interpolator, { width: 16, height: 16 });
    // The graph runs on the runtime's worker thread, which answers when it answers: each slot waits for the
    // engine's next frame event before the clock moves on, so the loop never meets a deadline.
    for (let i = 0; i < 8; i++) {
      const published = new Promise<void>((resolve) => {
        const off = engine.onFrame(() => {
          off();
          resolve();
        });
      });
      clock.advance(1000 / 30);
      await published;
    }
    const out = rendered(frames).slice(0, 8);
    const expected = [0, 0, 20, 40, 60, 80, 100, 120];
    expect(out.every((f, i) => Math.abs(f.data[0]! - expected[i]!) <= 1 && !f.repeated)).toBe(true);
    await interpolator.close();
    await runtime.close();
  });
});
