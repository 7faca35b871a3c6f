import type { Image } from '../../src/engine/frame';
import type {
  LoadContext,
  ParamSnapshot,
  Pipeline,
  PipelineDefinition,
  RenderContext,
} from '../../src/engine/pipeline';
import { snapshotOf } from '../../src/engine/snapshot';
import { neuralField } from '../neural-field/neural-field';
import { testPattern } from '../test-pattern/pattern';
/** What an img2img pipeline may render inside itself as its input. */
export const inputSources = ['neural-field', 'test-pattern', 'none'] as const;

type InputSource = (typeof inputSources)[number];
type PipelineSource = Exclude<InputSource, 'none'>;

const sources: Record<PipelineSource, PipelineDefinition> = {
  'neural-field': neuralField,
  'test-pattern': testPattern,
};

const isSource = (name: string): name is PipelineSource => Object.hasOwn(sources, name);

/** Another pipeline rendered inside this one as the img2img input, with its default parameters. */
export class ImageSource {
  private constructor(
    private readonly pipeline: Pipeline,
    private readonly params: ParamSnapshot,
  ) {}

  /** Loads the named source; 'none' gives undefined; a name that is not a source is an error that says which are. */
  static async load(
    name: InputSource | (string & {}),
    ctx: Omit<LoadContext, 'params'>,
  ): Promise<ImageSource | undefined> {
    if (name === 'none') return undefined;
    if (!isSource(name)) throw new Error(`no image source "${name}"; known: ${inputSources.join(', ')}`);
    const def = sources[name];
    const params = snapshotOf(def.params, ctx);
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
