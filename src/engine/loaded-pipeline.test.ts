import { describe, expect, it } from 'vitest';
import type { Image } from './frame';
import { LoadedPipeline } from './loaded-pipeline';
import { definePipeline } from './pipeline';
import type { RenderContext } from './pipeline';
import type { InputPreprocessor } from './preprocessor';
import { p } from '../params/spec';
import type { OrtRuntime } from '../runtime/ort';

const picture = (v: number): Image => ({ data: new Uint8Array(4 * 4 * 4).fill(v), width: 4, height: 4 });

/** A pipeline that returns what it was handed: the input, or the chain’s picture apart when `steer` is on. */
function echo(apart: boolean) {
  const seen: { input?: Image; conditioning?: Image }[] = [];
  const def = definePipeline({
    id: 'echo',
    name: 'Echo',
    description: 'returns its input',
    params: { steer: p.bool(true) },
    takesInput: true,
    ...(apart ? { conditioningApart: (params) => params.steer === true } : {}),
    create: () => ({
      load: async () => {},
      render: (ctx: RenderContext, _params: unknown, input?: Image) => {
        seen.push({ ...(input ? { input } : {}), ...(ctx.conditioning ? { conditioning: ctx.conditioning } : {}) });
        return input ?? picture(0);
      },
      unload: () => {},
    }),
  });
  return { def, seen };
}

// The chain here turns every picture into value 200, as a depth stage would turn a camera into a depth map.
const chain: InputPreprocessor = { apply: async () => picture(200), release: async () => {} };
const noRuntime = {} as OrtRuntime;

async function renderOnce(apart: boolean, steer: boolean) {
  const { def, seen } = echo(apart);
  const loaded = new LoadedPipeline(
    def,
    def.create(),
    noRuntime,
    false,
    def.params,
    { steer, width: 4, height: 4 },
    chain,
  );
  const camera = picture(50);
  await loaded.render({ time: 0, dt: 0, frameIndex: 0 }, { steer, width: 4, height: 4 }, { frame: () => camera });
  return seen[0]!;
}

describe('the pre-processor chain and the pipeline', () => {
  it('hands the chain’s picture as the input to a pipeline that does not ask for it apart', async () => {
    const seen = await renderOnce(false, true);
    expect(seen.input!.data[0]).toBe(200);
    expect(seen.conditioning).toBeUndefined();
  });

  it('hands the camera as the input and the chain’s picture apart when the pipeline asks (a ControlNet)', async () => {
    const seen = await renderOnce(true, true);
    expect(seen.input!.data[0]).toBe(50);
    expect(seen.conditioning!.data[0]).toBe(200);
    const off = await renderOnce(true, false);
    expect(off.input!.data[0]).toBe(200);
    expect(off.conditioning).toBeUndefined();
  });
});
