import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/server/test-support';
import { applyFeedback } from './transform';
import { startInputScope } from '../test-support';
import type { Image } from '../../src/engine/frame';
import type { PipelineDefinition } from '../../src/engine/pipeline';
import type { InputTestScope } from '../test-support';

/** A black 9x9 picture with a white 3x3 square in the middle. */
function square(): Image {
  const data = new Uint8Array(9 * 9 * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  for (let y = 3; y < 6; y++) for (let x = 3; x < 6; x++) data.set([255, 255, 255, 255], (y * 9 + x) * 4);
  return { data, width: 9, height: 9 };
}
const red = (data: Uint8Array, x: number, y: number) => data[(y * 9 + x) * 4]!;
const identity = { zoom: 1, rotate: 0, decay: 1, shiftX: 0, shiftY: 0 };

describe('the feedback transform', () => {
  it('is the identity at zoom 1, no turn, no decay', () => {
    expect(Buffer.from(applyFeedback(square(), identity)).equals(Buffer.from(square().data))).toBe(true);
  });

  it('decay fades every pixel by its factor', () => {
    expect(red(applyFeedback(square(), { ...identity, decay: 0.5 }), 4, 4)).toBe(128);
  });

  it('zoom grows the picture about its centre; what falls outside the source is black', () => {
    const grown = applyFeedback(square(), { ...identity, zoom: 2 });
    expect(red(grown, 4, 4)).toBe(255);
    expect(red(grown, 2, 4)).toBe(255);
    expect(red(grown, 0, 0)).toBe(0);
    const shrunk = applyFeedback(square(), { ...identity, zoom: 0.5 });
    expect(red(shrunk, 3, 4)).toBeLessThan(255);
  });

  it('a quarter turn keeps a centred square where it was; a shift moves it', () => {
    const turned = applyFeedback(square(), { ...identity, rotate: 90 });
    expect([red(turned, 3, 3), red(turned, 5, 5), red(turned, 2, 4)]).toEqual([255, 255, 0]);
    const moved = applyFeedback(square(), { ...identity, shiftX: 2 / 9 });
    expect([red(moved, 3, 4), red(moved, 7, 4)]).toEqual([0, 255]);
  });
});

/** Draws a flat red of (frameIndex * 10) mod 256 and remembers the red of the input it got each frame. */
function recorder(seen: Map<number, number | undefined>): PipelineDefinition {
  return {
    id: 'recorder',
    name: 'Recorder',
    description: 'For tests.',
    params: {},
    takesInput: true,
    create: () => ({
      async load() {},
      render(ctx, _params, input) {
        seen.set(ctx.frameIndex, input?.data[0]);
        const data = new Uint8Array(ctx.width * ctx.height * 4);
        for (let i = 0; i < data.length; i += 4) data.set([(ctx.frameIndex * 10) % 256, 0, 0, 255], i);
        return { data, width: ctx.width, height: ctx.height };
      },
      unload() {},
    }),
  };
}

describe('feedback through the engine', () => {
  let t: InputTestScope;
  const seen = new Map<number, number | undefined>();

  beforeAll(async () => {
    // Fixed-step: every frame is rendered, none repeated, however busy the machine is.
    t = await startInputScope({
      pipelines: [recorder(seen)],
      pipeline: 'recorder',
      width: 32,
      height: 32,
      clock: 'fixed-step',
    });
  });
  afterAll(() => t?.stop());

  it('each frame gets the output of the frame before it, exactly one frame late', async () => {
    await t.hub.setOptions('feedback', identity);
    t.hub.select('feedback');
    const from = Math.max(0, ...seen.keys()) + 1;
    await waitFor(() => seen.has(from + 12), 10_000, 'a dozen frames with feedback');
    const pairs = [...seen].filter(([k]) => k > from + 1 && k <= from + 12);
    for (const [k, got] of pairs) expect([k, got]).toEqual([k, ((k - 1) * 10) % 256]);
    expect(t.hub.info('feedback')).toMatchObject({ kind: 'feedback', state: 'live', removable: false, width: 32 });
  });
});
