/**
 * The image sizes streamdiffusion takes, per model. 384², 448² and 512² are first-class for every model: the
 * stand-ins and the exporter write static graphs for each, the bench times each. Any other size works where its
 * sides are multiples of what the model's UNet needs: the latent (image / 8) is halved once per level below the top
 * and must stay whole at every level in graphs of static sizes, or the skip connections would not line up (SD 2.1
 * stand-in: three halvings, so multiples of 64; SDXS-512: two, multiples of 32).
 */
import type { ModelId } from './models';
import { sizeMultiple } from './standin/families';

/** The sizes every model is built, exported and benched at. */
export const firstClassSizes = [384, 448, 512] as const;

/** The multiple each side of an image must be for `model`. */
export function modelSizeMultiple(model: ModelId): number {
  if (model.startsWith('sdxs')) return sizeMultiple('sdxs');
  if (model.startsWith('sd-turbo-standin')) return sizeMultiple('sd-turbo');
  // The downloaded exports and the tiny graphs have free spatial sizes: diffusers' exported UNet upsamples to
  // its skip connection's size, so any multiple of the VAE's 8 runs.
  return 8;
}

/** A sentence saying why `model` cannot render `width × height`, or undefined when it can. */
export function checkModelSize(model: ModelId, width: number, height: number): string | undefined {
  const m = modelSizeMultiple(model);
  if (width > 0 && height > 0 && width % m === 0 && height % m === 0) return undefined;
  return (
    `streamdiffusion's ${model} needs a width and height that are multiples of ${m} (its UNet halves the latent ` +
    `down to whole sizes), got ${width}x${height}; ${firstClassSizes.map((s) => `${s}x${s}`).join(', ')} fit every model`
  );
}
