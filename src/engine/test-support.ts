import { p } from '../params/spec';
import type { Clock, ManualClock } from './clock';
import type { Engine } from './engine';
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
