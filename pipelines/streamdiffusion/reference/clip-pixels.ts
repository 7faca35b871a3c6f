import type { RgbImage } from '../../../src/references/reference-images';

// CLIP's image normalisation (CLIPImageProcessor's image_mean / image_std), per RGB channel.
const MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
const STD = [0.26862954, 0.26130258, 0.27577711] as const;

/** RGB bytes (already scaled and cropped to the encoder's size) -> pixel_values [1,3,H,W], CLIP-normalised. */
export function clipPixels(image: RgbImage): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (image.data[i * 3 + c]! / 255 - MEAN[c]!) / STD[c]!;
  }
  return out;
}
