import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/engine/frame';
import { waitFor } from '../../../src/server/test-support';
import { FakeSource } from '../../../inputs/test-source';
import { startInputScope } from '../../../inputs/test-support';
import type { InputTestScope } from '../../../inputs/test-support';

describe('ControlNet in a running server (tiny model, a camera, the chain)', () => {
  let t: InputTestScope;
  let frames: Frame[] = [];
  let cam: FakeSource;

  beforeAll(async () => {
    t = await startInputScope({ pipeline: null, width: 64, height: 64, fps: 20 });
    t.scope.services.engine.onFrame((f) => frames.push(f));
    cam = new FakeSource('cam');
    await t.hub.add(cam, true);
    t.hub.select('cam');
  });
  afterAll(() => t?.stop());

  /**
   * Sends the fake camera's flat frame until a published frame satisfies `check`. A wall-clock wait: the engine
   * here renders on its own timer, fed by a real input hub, as in inputs/consumers.test.ts.
   */
  async function until(check: (f: Frame) => boolean, what: string): Promise<Frame> {
    let found: Frame | undefined;
    await waitFor(
      () => {
        cam.send(64, 64, 180);
        found = frames.find(check);
        frames = [];
        return found !== undefined;
      },
      // Generous: the tiny diffusion graphs take a while on a busy two-core machine.
      30_000,
      what,
    );
    return found!;
  }

  const same = (a: Frame, b: Frame) => a.data.every((v, i) => v === b.data[i]);

  it('changes the frame live with controlnetScale, back to the very same frame, with no reload', async () => {
    const { host, params } = t.scope.services;
    await host.load('streamdiffusion', {
      model: 'tiny',
      mode: 'img2img',
      source: 'none',
      tIndexList: '45',
      preprocess: 'grayscale',
      controlnet: 'depth',
      width: 64,
      height: 64,
    });
    const loaded = host.status();
    expect(loaded).toMatchObject({ state: 'ready', pipelineId: 'streamdiffusion' });
    const ours = (f: Frame) => f.pipelineId === 'streamdiffusion' && !f.repeated;
    const first = await until(ours, 'a frame');
    // The input is still and the noise fixed: the next frames repeat the first exactly.
    const steered = await until((f) => ours(f) && f.seq > first.seq, 'a second frame');
    expect(same(steered, first)).toBe(true);

    params.set('controlnetScale', 0, 'osc');
    const plain = await until((f) => ours(f) && !same(f, steered), 'a frame without the ControlNet’s push');
    params.set('controlnetScale', 1, 'osc');
    const back = await until((f) => ours(f) && f.seq > plain.seq && same(f, steered), 'the steered frame again');
    expect(back.seq).toBeGreaterThan(plain.seq);

    const refused = params.setMany({ controlnet: 'midas', controlnetScale: 0.5 }, 'http');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.errors.controlnet).toMatch(/none, depth, canny, softedge/);
    expect(params.current()).toMatchObject({ controlnet: 'depth', controlnetScale: 1 });
    // The same load all along: the scale is live, and the refused name reloaded nothing.
    expect(host.status()).toMatchObject({ state: 'ready', loadedAt: loaded.loadedAt });
  }, 90_000);
});
