/** The plainest frame an engine test asks for. */
import type { Image } from '../../src/engine/frame';
import type { Conditioning } from '../shared/blend';
import type { FrameRequest } from './host-engine';

/** One prompt without classifier-free guidance (the negative is the prompt), noise added; `image` makes it img2img. */
export function plainRequest(positive: Conditioning, image?: Image): FrameRequest {
  return {
    image,
    pixels: undefined,
    positive,
    negative: positive,
    guidance: { cfg: 'none', scale: 1, delta: 1 },
    addNoise: true,
  };
}
