import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../../src/engine/frame';
import { startCameraScope } from '../../../inputs/test-camera';
import type { CameraTestScope } from '../../../inputs/test-camera';

describe('ControlNet in a running server (tiny model, a camera, the chain)', () => {
  let t: CameraTestScope;
  beforeAll(async () => {
    t = await startCameraScope({ pipeline: null, width: 64, height: 64, fps: 20 });
  });
  afterAll(() => t?.stop());

  const until = (check: (f: Frame) => boolean, what: string) => t.until(check, what, 180);

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
