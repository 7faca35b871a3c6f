import { p } from '../params/spec';
import type { Clock, ManualClock } from './clock';
import { Engine as EngineClass } from './engine';
import type { Engine } from './engine';
import type { PipelineHost } from './host';
import type { ParamStore } from '../params/store';
import type { Frame, Image } from './frame';
import type { ParamSnapshot, PipelineDefinition, RenderContext } from './pipeline';

const solidParams = { level: p.int(10, { min: 0, max: 255 }), seed: p.int(1, { min: 0, max: 9, mode: 'load' }) };

/**
 * A solid-colour pipeline for engine and server tests: red channel = `level`, green = frame index, blue = `seed`.
 * It can fail renders `failFrom` < n <= `failUntil`, take `delay` on a clock to render, or fail to load.
 */
export function solidPipeline(
  id = 'solid',
  behaviour: { failFrom?: number; failUntil?: number; delay?: { ms: number; clock: Clock }; loadFails?: boolean } = {},
): PipelineDefinition<typeof solidParams> & { created: number; unloaded: number } {
  const def = {
    id,
    name: `Solid (${id})`,
    description: 'A flat colour, for tests.',
    params: solidParams,
    created: 0,
    unloaded: 0,
    create() {
      def.created++;
      let rendered = 0;
      return {
        async load() {
          if (behaviour.loadFails) throw new Error('weights missing');
        },
        async render(ctx: RenderContext, params: ParamSnapshot<typeof solidParams>): Promise<Image> {
          rendered++;
          if (
            behaviour.failFrom !== undefined &&
            rendered > behaviour.failFrom &&
            rendered <= (behaviour.failUntil ?? Infinity)
          ) {
            throw new Error(`render ${rendered} failed on purpose`);
          }
          const delay = behaviour.delay;
          if (delay) await new Promise<void>((resolve) => delay.clock.after(delay.ms, resolve));
          const data = new Uint8Array(ctx.width * ctx.height * 4);
          for (let i = 0; i < data.length; i += 4) {
            data[i] = params.level;
            data[i + 1] = ctx.frameIndex % 256;
            data[i + 2] = params.seed;
            data[i + 3] = 255;
          }
          return { data, width: ctx.width, height: ctx.height };
        },
        unload() {
          def.unloaded++;
        },
      };
    },
  };
  return def;
}

/**
 * Releases `n` frames on a manual clock, one at a time, waiting for each to be published (a render may take real
 * time in onnxruntime's worker): clock time moves by one frame interval per frame, and the frames come back.
 */
export async function tickFrames(engine: Engine, clock: ManualClock, n = 1): Promise<Frame[]> {
  const out: Frame[] = [];
  const off = engine.onFrame((f) => out.push(f));
  try {
    while (out.length < n) {
      const before = out.length;
      clock.tick();
      while (out.length === before) await new Promise((r) => setImmediate(r));
    }
  } finally {
    off();
  }
  return out;
}

/**
 * An engine at 30 fps over `host` on a manual clock, for pipelines whose renders are real work in another thread or
 * process: `step()` lets one frame interval pass, then waits until the renders the engine asked for and the loads in
 * flight have answered (with `hung`, a render that will never answer is not waited for: only the clock's watchdog
 * ends it), so the loop never meets a deadline because the machine is slow.
 */
export function engineInSteps(
  host: PipelineHost,
  clock: ManualClock,
  params: ParamStore,
): { engine: Engine; frames: Frame[]; step(o?: { hung?: boolean }): Promise<void> } {
  const rendering = new Set<Promise<unknown>>();
  const render = host.render.bind(host);
  host.render = (...args) => {
    const asked = render(...args);
    rendering.add(asked);
    void asked.finally(() => rendering.delete(asked)).catch(() => {});
    return asked;
  };
  const engine = new EngineClass({ clock, params, host, fps: 30, resolution: { width: 64, height: 64 } });
  const frames: Frame[] = [];
  engine.onFrame((f) => frames.push(f));
  engine.start();
  const step = async (o: { hung?: boolean } = {}) => {
    clock.advance(1000 / 30);
    // The engine asks for the frame's render once the clock's wake-up ran; then its answer is waited for.
    await new Promise((r) => setImmediate(r));
    if (!o.hung) await Promise.allSettled([...rendering]);
    await host.settled();
    // What the answers set going (a publish, a transition) runs before the next interval.
    await new Promise((r) => setImmediate(r));
  };
  return { engine, frames, step };
}
