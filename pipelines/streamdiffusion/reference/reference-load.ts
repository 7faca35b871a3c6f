import type { LoadContext } from '../../../src/engine/pipeline';
import { modelsDir } from '../../../src/files';
import { referencesDir } from '../../../src/references/reference-images';
import { CONTEXT_LENGTH } from '../clip-tokenizer';
import { LATENT_CHANNELS } from '../diffusion-model';
import type { ModelId } from '../models';
import { ReferenceSlot } from './reference-slot';

/** The reference slot of a streamdiffusion load: the models folder's references, the load's sizes and log. */
export function referenceSlot(ctx: LoadContext, model: ModelId): ReferenceSlot {
  const models = modelsDir();
  return new ReferenceSlot({
    runtime: ctx.runtime,
    model,
    modelsDir: models,
    referencesDir: referencesDir(models),
    size: { width: ctx.width, height: ctx.height, latentChannels: LATENT_CHANNELS, tokens: CONTEXT_LENGTH },
    log: ctx.log,
  });
}
