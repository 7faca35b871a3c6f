import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraScope } from './test-camera';
import type { Frame } from '../src/engine/frame';
import type { CameraTestScope } from './test-camera';

const flat = (f: Frame, value: number) => f.data.every((v, i) => v === (i % 4 === 3 ? 255 : i % 4 === 0 ? value : 0));

describe('pipelines that take the input, through the engine', () => {
  let t: CameraTestScope;
  beforeAll(async () => {
    t = await startCameraScope({ pipeline: 'neural-field', width: 64, height: 64, fps: 20 });
  });
  afterAll(() => t?.stop());

  it('neural-field mixes the input in by inputMix: all of it at 1, none at 0', async () => {
    t.scope.services.params.setMany({ inputMix: 1, speed: 0 }, 'http');
    await t.until((f) => flat(f, 90), 'the input alone');
    t.scope.services.params.set('inputMix', 0, 'http');
    const field = await t.until((f) => !flat(f, 90) && f.data.some((v, i) => i % 4 === 1 && v > 0), 'the field alone');
    expect(field.pipelineId).toBe('neural-field');
  });

  it('streamdiffusion img2img renders from the input; its similarity filter acts on it', async () => {
    const params = { model: 'tiny', mode: 'img2img', source: 'none', tIndexList: '45', width: 64, height: 64 };
    await t.scope.services.host.load('streamdiffusion', {
      ...params,
      similarityFilter: true,
      similarityThreshold: 0.9,
      maxSkipFrames: 100,
    });
    expect(t.scope.services.host.status()).toMatchObject({ state: 'ready', pipelineId: 'streamdiffusion' });
    // A still input: after the first render the filter skips, the very same image goes out again and again.
    const first = await t.until((f) => f.pipelineId === 'streamdiffusion' && !f.repeated, 'a rendered frame', 40);
    const later = await t.until((f) => f.seq > first.seq + 3, 'later frames', 40);
    expect(later.data).toBe(first.data);
    // Another input picture: a new image.
    const other = await t.until((f) => f.data !== first.data, 'a frame of the new input', 220);
    expect(other.data).not.toEqual(first.data);
  }, 90_000);
});
