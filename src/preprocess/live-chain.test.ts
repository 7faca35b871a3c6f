import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { ManualClock } from '../engine/clock';
import { PipelineHost } from '../engine/host';
import { PipelineRegistry } from '../engine/registry';
import { tickFrames } from '../engine/test-support';
import type { Image } from '../engine/frame';
import type { PipelineDefinition } from '../engine/pipeline';
import { paramsJsonSchema } from '../params/json-schema';
import { ParamStore } from '../params/store';
import { OrtRuntime } from '../runtime/ort';
import { ConditioningFeed } from './conditioning-feed';
import { preprocessorFactory } from './index';

const W = 8;
const H = 4;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** Shows its input as it came (after the chain): what the pipeline was given is what goes out. */
const echo: PipelineDefinition = {
  id: 'echo',
  name: 'Echo',
  description: 'its input, for tests',
  params: {},
  takesInput: true,
  create: () => ({
    load: async () => {},
    render: (ctx, _params, input?: Image) => input ?? { data: new Uint8Array(ctx.width * ctx.height * 4), ...ctx },
    unload: () => {},
  }),
};

/** A coloured step: dark red left half, bright orange right half. */
function input(): Image {
  const data = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) data.set(i % W < W / 2 ? [120, 0, 0, 255] : [250, 200, 0, 255], i * 4);
  return { data, width: W, height: H };
}

async function setup() {
  const clock = new ManualClock();
  const params = new ParamStore();
  const runtime = new OrtRuntime({ intraOpThreads: 1 });
  const feed = new ConditioningFeed(() => clock.now());
  const host = new PipelineHost({
    registry: new PipelineRegistry([echo]),
    params,
    runtime,
    resolution: { width: W, height: H },
    clock,
    renderTimeoutMs: 60_000,
    preprocess: preprocessorFactory({ conditioned: (image) => feed.publish(image) }),
  });
  const engine = new Engine({ clock, params, host, fps: 30, resolution: { width: W, height: H } });
  engine.setInput({ frame: () => input() });
  engine.start();
  cleanup.push(async () => {
    await engine.stop();
    await host.unload();
    await runtime.close();
  });
  await host.load('echo');
  const next = async () => (await tickFrames(engine, clock, 1))[0]!;
  return { params, host, next, feed };
}

const pixel = (image: { data: Uint8Array }, x: number, y = 0) => [
  ...image.data.subarray((y * W + x) * 4, (y * W + x) * 4 + 3),
];

describe('the pre-processor chain in the loop', () => {
  it('is a parameter of a pipeline that takes the input, with the stage names in its schema', async () => {
    const { host } = await setup();
    const specs = host.specsOf(echo);
    expect(Object.keys(specs)).toEqual(expect.arrayContaining(['preprocess', 'edgeThreshold', 'blurRadius']));
    const schema = paramsJsonSchema(specs) as { properties: Record<string, { pattern?: string }> };
    expect(schema.properties.preprocess!.pattern).toContain('softedges');
  });

  it('switching `preprocess` live changes the next frame; clearing it gives the input back', async () => {
    const { params, next, feed } = await setup();
    expect(pixel(await next(), 0)).toEqual([120, 0, 0]);
    expect(params.set('preprocess', 'grayscale', 'osc').ok).toBe(true);
    const grey = Math.round(0.299 * 120);
    expect(pixel(await next(), 0)).toEqual([grey, grey, grey]);
    // The conditioning picture is published on its own feed too.
    expect(pixel(feed.latest()!, 0)).toEqual([grey, grey, grey]);
    expect(params.set('preprocess', ' grayscale , threshold ', 'http').ok).toBe(true);
    expect(params.get('preprocess')).toBe('grayscale,threshold');
    const frame = await next();
    expect([pixel(frame, 0), pixel(frame, W - 1)]).toEqual([
      [0, 0, 0],
      [255, 255, 255],
    ]);
    params.set('preprocess', '', 'panel');
    expect(pixel(await next(), W - 1)).toEqual([250, 200, 0]);
  });

  it('an unknown stage name is refused with a sentence and the running chain stays', async () => {
    const { params, next } = await setup();
    params.set('preprocess', 'threshold', 'http');
    const before = await next();
    const refused = params.set('preprocess', 'threshold,deepth', 'osc');
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining('"deepth" is not one of grayscale') });
    expect(params.get('preprocess')).toBe('threshold');
    expect([...(await next()).data]).toEqual([...before.data]);
  });
});
