/**
 * The model shapes the stand-ins are built in, and the image sizes each takes. Graphs have static spatial sizes
 * (one set of files per size, as engine-minded exports do), so a size is checked before anything is written: the
 * latent (image / 8) is halved once per UNet level below the top and every level must come out whole, or the skip
 * connections of the way up would not line up with the way down.
 */
import { SDXS_DOWNSAMPLES } from './sdxs-unet';

export const standinFamilies = ['sd-turbo', 'sdxs'] as const;
export type StandinFamily = (typeof standinFamilies)[number];

/** SD 2.1's UNet halves its latent three times (four levels); SDXS-512's twice (three levels). */
const downsamples: Record<StandinFamily, number> = { 'sd-turbo': 3, sdxs: SDXS_DOWNSAMPLES };

/** The multiple every image side must be for `family`: 64 for SD-Turbo's shapes, 32 for SDXS's. */
export function sizeMultiple(family: StandinFamily): number {
  return 8 * 2 ** downsamples[family];
}

/** A sentence saying why `width × height` does not fit `family`'s graphs, or undefined when it does. */
export function checkStandinSize(family: StandinFamily, width: number, height: number): string | undefined {
  const m = sizeMultiple(family);
  if (Number.isInteger(width / m) && Number.isInteger(height / m) && width > 0 && height > 0) return undefined;
  return (
    `${family} stand-in sizes must be multiples of ${m} (the latent is halved ${downsamples[family]} times), ` +
    `got ${width}x${height}; 384, 448 and 512 are the sizes every model takes`
  );
}
