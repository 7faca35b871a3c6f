import type { Image } from '../../src/engine/frame';
import type { LoadContext, ParamSnapshot, Pipeline, RenderContext } from '../../src/engine/pipeline';
import type { ParamSpecs } from '../../src/params/spec';
import { neuralField } from '../neural-field/neural-field';
import { testPattern } from '../test-pattern/test-pattern';

const sources = { 'neural-field': neuralField, 'test-pattern': testPattern } as const;

/** Default values of a pipeline's parameters, as a snapshot. */
function defaults(specs: ParamSpecs, width: number, height: number): ParamSnapshot {
  const values: Record<string, number | boolean | string> = { width, height };
  for (const [k, s] of Object.entries(specs)) values[k] = s.default;
  return values;
}

/** Another pipeline rendered inside this one as the img2img input, with its default parameters. */
export class ImageSource {
  private constructor(
    private readonly pipeline: Pipeline,
    private readonly params: ParamSnapshot,
  ) {}

  /** Loads the named source; 'none' (or an unknown name) gives undefined. */
  static async load(name: string, ctx: LoadContext): Promise<ImageSource | undefined> {
    const def = sources[name as keyof typeof sources];
    if (!def) return undefined;
    const params = defaults(def.params, ctx.width, ctx.height);
    const pipeline = def.create();
    await pipeline.load({ ...ctx, params, progress: () => {}, log: (m) => ctx.log(`${name}: ${m}`) });
    return new ImageSource(pipeline, params);
  }

  render(ctx: RenderContext): Promise<Image> | Image {
    return this.pipeline.render(ctx, this.params);
  }

  async unload(): Promise<void> {
    await this.pipeline.unload();
  }
}
