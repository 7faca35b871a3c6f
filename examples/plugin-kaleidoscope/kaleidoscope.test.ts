import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock';
import type { Frame } from '../../src/engine/frame';
import type { Scope } from '../../src/main';
import { call, isJpeg, startTestScope } from '../../src/server/test-support';
import { UdpClient, encode } from '../../control/osc/test-support';

// The example as a user would load it: `daydream-scope --plugin examples/plugin-kaleidoscope`.
const plugin = fileURLToPath(new URL('.', import.meta.url));
const clock = new ManualClock();
const frames: Frame[] = [];
let scope: Scope;
let udp: UdpClient;

beforeAll(async () => {
  scope = await startTestScope({ plugins: [plugin], pluginSearch: [], pipeline: 'kaleidoscope', clock, oscPort: 0 });
  scope.services.engine.onFrame((f) => frames.push(f));
  udp = await UdpClient.open();
});
afterAll(async () => {
  await udp.close();
  await scope.stop();
});

/** Ticks the clock until the next rendered (not repeated) frame comes out. */
async function nextFrame(): Promise<Frame> {
  const from = frames.length;
  for (;;) {
    clock.tick();
    await new Promise((r) => setImmediate(r));
    const fresh = frames.slice(from).find((f) => !f.repeated);
    if (fresh) return fresh;
  }
}

/** Largest channel difference between the frame and itself turned half a turn about its centre. */
function halfTurnDiff(f: Frame): number {
  let max = 0;
  for (let i = 0; i < f.width * f.height; i++) {
    const j = f.width * f.height - 1 - i;
    for (let ch = 0; ch < 3; ch++) max = Math.max(max, Math.abs(f.data[i * 4 + ch]! - f.data[j * 4 + ch]!));
  }
  return max;
}

/** Resolves when the store takes `path` from `source`. */
function changed(path: string, source: string): Promise<unknown> {
  return new Promise((resolve) => {
    const off = scope.services.params.onChange((c) => {
      if (c.kind === 'value' && c.path === path && c.source === source) resolve(off());
    });
  });
}

describe('the example plugin, end to end', () => {
  it('is listed as a loaded plugin and as a pipeline with its parameters', async () => {
    const plugins = await call(`${scope.url}/api/v1/plugins`);
    expect(plugins.body).toEqual([
      { source: plugin, entry: `${plugin}index.ts`, state: 'loaded', pipelines: ['kaleidoscope'], error: null },
    ]);
    const pipelines = await call(`${scope.url}/api/v1/pipelines`);
    const info = pipelines.body.find((p: { id: string }) => p.id === 'kaleidoscope');
    expect(info).toMatchObject({ name: 'Kaleidoscope', active: true });
    expect(Object.keys(info.schema.properties)).toEqual([
      'width',
      'height',
      'interpolate',
      'pipelineDepth',
      'segments',
      'spin',
      'zoom',
      'palette',
      'hue',
    ]);
    expect((await call(`${scope.url}/api/v1/pipeline/status`)).body).toMatchObject({
      state: 'ready',
      pipelineId: 'kaleidoscope',
    });
  });

  it('renders frames that go out, six mirrored wedges by default', async () => {
    const frame = await nextFrame();
    expect(frame).toMatchObject({ pipelineId: 'kaleidoscope', width: 64, height: 64, repeated: false });
    const colours = new Set<number>();
    const d = frame.data;
    for (let i = 0; i < d.length; i += 4) colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
    expect(colours.size).toBeGreaterThan(200);
    // Six wedges: unchanged by half a turn.
    expect(halfTurnDiff(frame)).toBeLessThanOrEqual(2);
    const jpeg = await fetch(`${scope.url}/api/v1/frame`);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect(isJpeg(Buffer.from(await jpeg.arrayBuffer()))).toBe(true);
  });

  it('takes its parameters over OSC: a UDP packet to /scope/segments changes the next frame', async () => {
    const segments = changed('segments', 'osc');
    const palette = changed('palette', 'osc');
    await udp.send(encode('/scope/segments', [{ type: 'i', value: 3 }]), scope.osc!.port);
    await udp.send(encode('/scope/palette', [{ type: 's', value: 'ember' }]), scope.osc!.port);
    await Promise.all([segments, palette]);
    expect(scope.services.params.current()).toMatchObject({ segments: 3, palette: 'ember' });
    // Three wedges are not symmetric under half a turn.
    expect(halfTurnDiff(await nextFrame())).toBeGreaterThan(50);
  });
});
