import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock';
import { call, socketRig, startTestScope } from '../../src/server/test-support';
import { difference, grabUntil, stillFrame } from '../../src/server/test-helpers';
import type { Scope } from '../../src/main';
import type { Rig } from '../../src/server/test-support';
import { tempModelsDir } from '../shared/test-models-dir';

describe('streamdiffusion through a real server (tiny model)', () => {
  let scope: Scope;
  let url: string;
  let rig: Rig;
  tempModelsDir('sd-server-models-');

  beforeAll(async () => {
    const clock = new ManualClock();
    scope = await startTestScope({ pipeline: null, fps: 15, clock });
    url = scope.url;
    rig = socketRig(scope, clock);
  });
  afterAll(async () => {
    await scope.stop();
  });

  const load = (params: Record<string, unknown>) =>
    call(`${url}/api/v1/pipeline/load?wait=true`, { method: 'POST', body: { pipeline_id: 'streamdiffusion', params } });
  const patch = (body: Record<string, unknown>) => call(`${url}/api/v1/parameters`, { method: 'PATCH', body });

  it('streams frames that change when the prompt and the seed change', async () => {
    const r = await load({ model: 'tiny', mode: 'txt2img', tIndexList: '0', transition: 0, width: 64, height: 64 });
    expect(r.status).toBe(200);
    expect((await call(`${url}/api/v1/pipeline/status`)).body).toMatchObject({ state: 'ready' });
    const first = await stillFrame(rig, 5);
    expect(first).toMatchObject({ pipeline: 'streamdiffusion', width: 64, height: 64 });

    await patch({ prompt: 'a blue sky over the sea' });
    const prompted = await grabUntil(rig, (g) => difference(g, first) > 2, 'a frame of the new prompt', 150);
    const settled = await stillFrame(rig, 5);
    await patch({ seed: 1234 });
    await grabUntil(rig, (g) => difference(g, settled) > 2, 'a frame of the new seed', 150);
    expect(prompted.seq).toBeGreaterThan(first.seq);
  });

  it('img2img from the neural-field source keeps moving', async () => {
    expect((await load({ model: 'tiny', mode: 'img2img', source: 'neural-field' })).status).toBe(200);
    const a = await grabUntil(rig, (g) => g.pipeline === 'streamdiffusion', 'a frame', 150);
    await grabUntil(rig, (g) => g.seq > a.seq + 3 && difference(g, a) > 0.5, 'a later, different frame', 150);
  });

  it('without the sd-turbo files the load is refused with the download sentence, and nothing changes', async () => {
    const before = (await call(`${url}/api/v1/pipeline/status`)).body;
    const r = await load({ model: 'sd-turbo' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('load_refused');
    expect(r.body.error.message).toMatch(
      /^streamdiffusion needs sd-turbo \(≈2\.6 GB, webgpu variant\): run `daydream-scope download sd-turbo`/,
    );
    expect((await call(`${url}/api/v1/pipeline/status`)).body).toEqual(before);
  });
});
