import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../src/server/test-support';
import { FakeSource } from './test-source';
import { startInputScope } from './test-support';
import type { Frame } from '../src/engine/frame';
import type { InputTestScope } from './test-support';

const flat = (f: Frame, value: number) => f.data.every((v, i) => v === (i % 4 === 3 ? 255 : i % 4 === 0 ? value : 0));

describe('pipelines that take the input, through the engine', () => {
  let t: InputTestScope;
  let frames: Frame[] = [];
  let cam: FakeSource;

  beforeAll(async () => {
    t = await startInputScope({ pipeline: 'neural-field', width: 64, height: 64, fps: 20 });
    t.scope.services.engine.onFrame((f) => frames.push(f));
    cam = new FakeSource('cam');
    await t.hub.add(cam, true);
    t.hub.select('cam');
  });
  afterAll(() => t?.stop());

  /** Sends the fake camera's flat red frame until a published frame satisfies `check`. */
  async function until(check: (f: Frame) => boolean, what: string, level = 90): Promise<Frame> {
    let found: Frame | undefined;
    await waitFor(
      () => {
        cam.send(64, 64, level);
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

  it('neural-field mixes the input in by inputMix: all of it at 1, none at 0', async () => {
    t.scope.services.params.setMany({ inputMix: 1, speed: 0 }, 'http');
    await until((f) => flat(f, 90), 'the input alone');
    t.scope.services.params.set('inputMix', 0, 'http');
    const field = await until((f) => !flat(f, 90) && f.data.some((v, i) => i % 4 === 1 && v > 0), 'the field alone');
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
    const first = await until((f) => f.pipelineId === 'streamdiffusion' && !f.repeated, 'a rendered frame', 40);
    const later = await until((f) => f.seq > first.seq + 3, 'later frames', 40);
    expect(later.data).toBe(first.data);
    // Another input picture: a new image.
    const other = await until((f) => f.data !== first.data, 'a frame of the new input', 220);
    expect(other.data).not.toEqual(first.data);
  }, 90_000);
});
