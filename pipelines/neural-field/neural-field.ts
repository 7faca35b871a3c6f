import type { OrtSession } from '../../src/runtime/session';
import type { PlainTensor } from '../../src/runtime/tensor';
import type { Image } from '../../src/engine/frame';
import { definePipeline } from '../../src/engine/pipeline';
import type { InFlightFrame, LoadContext, ParamSnapshot, Pipeline, RenderContext } from '../../src/engine/pipeline';
import { inFlight } from '../../src/engine/frame-depth';
import { FrameInputs } from './frame-inputs';
import { buildFieldNet } from './graph';
import type { FieldNetOptions } from './graph';
import { neuralFieldParams } from './params';
import { mixInput } from './input-mix';

export const LATENT_SIZE = 8;

/** The embedded default: a CPPN built as an ONNX graph by the project, evaluated over the pixel grid each frame. */
type FieldParams = typeof neuralFieldParams;

export const neuralField = definePipeline({
  id: 'neural-field',
  name: 'Neural field',
  description:
    'A compositional pattern-producing network with seeded weights, walked through its latent space over time. ' +
    'Runs on the CPU in real time; no model download.',
  params: neuralFieldParams,
  // Only while some of it is mixed in: at 0 the input is not even scaled.
  takesInput: (params) => (params.inputMix as number) > 0,
  create: () => new NeuralField(),
});

/** Network shape and grid for an output size, from the load-time parameters. */
export function fieldNetOptions(width: number, height: number, params: ParamSnapshot<FieldParams>): FieldNetOptions {
  const scale = params.renderScale;
  return {
    seed: params.seed,
    units: params.units,
    layers: params.layers,
    latentSize: LATENT_SIZE,
    gridWidth: Math.max(8, Math.round(width * scale)),
    gridHeight: Math.max(8, Math.round(height * scale)),
    outWidth: width,
    outHeight: height,
  };
}

/** The graph's per-frame inputs; the tensors wrap FrameInputs' buffers, so updating those updates the feeds. */
export function fieldFeeds(inputs: FrameInputs): Record<string, PlainTensor> {
  return {
    view: { type: 'float32', data: inputs.view, dims: [2] },
    fold: { type: 'float32', data: inputs.fold, dims: [5] },
    latent: { type: 'float32', data: inputs.latent, dims: [LATENT_SIZE, 1] },
    palette: { type: 'float32', data: inputs.palette, dims: [3, 4] },
    mix: { type: 'float32', data: inputs.mix, dims: [2] },
    grade: { type: 'float32', data: inputs.grade, dims: [4, 4] },
  };
}

class NeuralField implements Pipeline<FieldParams> {
  private session: OrtSession | undefined;
  private inputs: FrameInputs | undefined;
  private feeds: Record<string, PlainTensor> = {};
  private size = { width: 0, height: 0 };

  async load(ctx: LoadContext<FieldParams>): Promise<void> {
    const { width, height, params } = ctx;
    const options = fieldNetOptions(width, height, params);
    ctx.progress('building network', 0);
    const bytes = buildFieldNet(options);
    ctx.log(
      `network ${options.layers}x${options.units} on a ${options.gridWidth}x${options.gridHeight} grid, ` +
        `${(bytes.length / 1024).toFixed(0)} KiB`,
    );
    ctx.progress('creating session', 0.3);
    // The frame is the one output and it always goes to the host: onnxruntime copies it there itself.
    this.session = await ctx.runtime.createSession(bytes, { hostOutputs: ['rgba'] });
    if (ctx.signal.aborted) return;
    const inputs = (this.inputs = new FrameInputs(options.seed, LATENT_SIZE));
    this.feeds = fieldFeeds(inputs);
    this.size = { width, height };
    ctx.progress('ready', 1);
  }

  async render(ctx: RenderContext, params: ParamSnapshot<FieldParams>, input?: Image): Promise<Image> {
    return (await this.issue(ctx, params, input)).collect();
  }

  /**
   * Sends the frame's run at once; the image is made when the run's output comes back. The feeds go as a copy
   * of this frame's values (a few dozen floats): the next frame refills the buffers while this run may still wait
   * its turn, and a transport on this thread reads them only then.
   */
  async issue(ctx: RenderContext, params: ParamSnapshot<FieldParams>, input?: Image): Promise<InFlightFrame> {
    if (!this.session || !this.inputs) throw new Error('neural-field is not loaded');
    this.inputs.update(ctx.time, params);
    const { width, height } = this.size;
    const { inputMix, inputBlend } = params;
    const feeds = Object.fromEntries(
      Object.entries(this.feeds).map(([k, t]) => [k, { ...t, data: (t.data as Float32Array).slice() }]),
    );
    const run = this.session.run(feeds).then((out) => {
      // A fresh output buffer per frame: the engine and outputs keep earlier frames while encoding them.
      const image = { data: out.rgba!.data as Uint8Array, width, height };
      if (input) mixInput(image, input, inputMix, inputBlend);
      return image;
    });
    return inFlight(run);
  }

  async unload(): Promise<void> {
    await this.session?.release();
    this.session = undefined;
    this.inputs = undefined;
  }
}
