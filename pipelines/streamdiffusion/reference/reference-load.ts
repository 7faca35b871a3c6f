import type { LoadContext } from '../../../src/engine/pipeline';
import { modelsDir } from '../../../src/files';
import { referencesDir } from '../../../src/references/reference-images';
import { CONTEXT_LENGTH } from '../clip-tokenizer';
import { LATENT_CHANNELS } from '../open-networks';
import type { DiffusionModel } from '../diffusion-model';
import type { NumberSpec, TextSpec } from '../../../src/params/spec';
import type { ModelId } from '../models';
import { ReferenceSlot } from './reference-slot';

/**
 * The reference slot of a streamdiffusion load (the models folder's references, the load's sizes and log); a
 * reference set at load (a show file, a preset) has its adapter opened now rather than before the first frame.
 */
export async function referenceSlot(
  ctx: LoadContext<{ reference: TextSpec; referenceWeight: NumberSpec }>,
  id: ModelId,
  model: DiffusionModel,
): Promise<ReferenceSlot> {
  const models = modelsDir();
  const slot = new ReferenceSlot({
    runtime: ctx.runtime,
    model: id,
    modelsDir: models,
    referencesDir: referencesDir(models),
    size: { width: ctx.width, height: ctx.height, latentChannels: LATENT_CHANNELS, tokens: CONTEXT_LENGTH },
    log: ctx.log,
  });
  if (ctx.params.reference !== '') {
    ctx.progress('loading the IP-Adapter for the reference image', 0.92);
    await slot.apply(model, ctx.params.reference, ctx.params.referenceWeight);
  }
  return slot;
}
