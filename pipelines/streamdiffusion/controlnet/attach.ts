/**
 * The ControlNet steps of the streamdiffusion pipeline, kept out of its main file: which files a load opens, the
 * stage attached to the opened model, and each frame's control image and scales.
 */
import type { Image } from '../../../src/engine/frame';
import type { LoadContext, RenderContext } from '../../../src/engine/pipeline';
import type { ParamSpecs } from '../../../src/params/spec';
import type { DiffusionModel } from '../diffusion-model';
import type { ModelFiles } from '../models';
import { ControlStage } from './control-stage';
import { resolveControlNets } from './files';
import type { ControlFiles } from './files';
import { controlSlots } from './params';
import type { ControlValues } from './params';

/** The ControlNet files a load with `params` opens, or undefined when every slot is none. */
export async function controlFilesFor(
  params: ControlValues,
  model: ModelFiles,
  root: string,
  ctx: Pick<LoadContext<ParamSpecs>, 'width' | 'height' | 'progress'>,
): Promise<ControlFiles | undefined> {
  const slots = controlSlots(params);
  if (slots.length === 0) return undefined;
  ctx.progress('finding ControlNet files', 0.05);
  return resolveControlNets(
    model,
    slots.map((s) => s.name),
    root,
    { width: ctx.width, height: ctx.height, progress: ctx.progress },
  );
}

/** Opens the ControlNets beside the opened model (whose UNet is the ControlNet UNet); releases the model on failure. */
export async function attachControl(
  model: DiffusionModel,
  files: ControlFiles,
  ctx: Pick<LoadContext<ParamSpecs>, 'width' | 'height' | 'progress' | 'runtime' | 'log'>,
): Promise<void> {
  ctx.progress('loading ControlNets', 0.88);
  try {
    model.control = await ControlStage.open(ctx.runtime, files.nets, model.networks.unet, ctx);
  } catch (err) {
    await model.release();
    throw err;
  }
  ctx.log(`ControlNet: ${files.nets.map((n) => n.name).join(' + ')}; the control image is the pre-processor chain's`);
}

/**
 * This frame's control image (the chain's picture, given apart from the input; else the input itself) and scales.
 * Without any picture the UNet gets zero residuals: the frame is as without ControlNet.
 */
export function controlFrame(model: DiffusionModel, params: ControlValues, ctx: RenderContext, input?: Image): void {
  const control = model.control;
  if (!control) return;
  control.setFrame(
    ctx.conditioning ?? input,
    controlSlots(params).map((s) => s.scale),
  );
}
