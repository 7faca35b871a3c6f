import { p } from '../../src/params/spec';
import type { Image } from '../../src/engine/frame';
import { definePipeline } from '../../src/engine/pipeline';
import { createCanvas, fillRect, rgb } from '../shared/canvas';
import { drawText } from '../shared/glyphs';
import { scaleCover } from '../../src/media/scale';

/** Sends the input through, scaled to cover the output; a dark frame saying "NO INPUT" when there is none. */
export const passthrough = definePipeline({
  id: 'passthrough',
  name: 'Passthrough',
  description: 'The video input as it comes (the input is already scaled to the output size; mirror flips it).',
  takesInput: true,
  params: {
    mirror: p.bool(false, { label: 'Mirror', description: 'Flip left and right, as for a selfie camera' }),
  },
  create: () => ({
    async load() {},
    render(ctx, params, input): Image {
      if (input && input.width > 0 && input.height > 0) {
        return scaleCover(input, ctx.width, ctx.height, params.mirror);
      }
      return noInput(ctx.width, ctx.height);
    },
    unload() {},
  }),
});

function noInput(width: number, height: number): Image {
  const c = createCanvas(width, height, rgb(32, 32, 32));
  const scale = Math.max(1, Math.floor(width / 160));
  const textWidth = 8 * 6 * scale - scale;
  const x = Math.round((width - textWidth) / 2);
  const y = Math.round((height - 7 * scale) / 2);
  // A red dot before the words, like a camera's tally light gone out.
  fillRect(c, x - 4 * scale, y + 2 * scale, 3 * scale, 3 * scale, rgb(200, 40, 40));
  drawText(c, 'NO INPUT', x, y, scale, rgb(140, 140, 140));
  return c;
}
