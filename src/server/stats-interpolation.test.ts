import { afterEach, describe, expect, it } from 'vitest';
import { startTestRig } from '../test-rig';

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.map((s) => s()));
  stops = [];
});

describe('/api/v1/stats with frame interpolation', () => {
  it('gives frames out (fps) and rendered frames (renderedFps) apart: with interpolate 2, half are rendered', async () => {
    const rig = await startTestRig();
    stops.push(rig.stop);
    const patch = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { interpolate: 2 } });
    expect(patch.status).toBe(200);
    await rig.frames(60);
    const { body } = await rig.call('/api/v1/stats');
    // One second of clock time holds 30 or 31 frame times (steps of 1000/30 ms do not add up exactly).
    expect([30, 31]).toContain(body.fps);
    expect(Math.abs(body.renderedFps - body.fps / 2)).toBeLessThanOrEqual(0.5);
    await rig.call('/api/v1/parameters', { method: 'PATCH', body: { interpolate: 1 } });
    await rig.frames(60);
    const after = (await rig.call('/api/v1/stats')).body;
    expect(after.renderedFps).toBe(after.fps);
  });

  it('refuses a value that is not a number, and changes nothing', async () => {
    const rig = await startTestRig();
    stops.push(rig.stop);
    const patch = await rig.call('/api/v1/parameters', { method: 'PATCH', body: { interpolate: 'twice' } });
    expect(patch.status).toBe(400);
    expect(JSON.stringify(patch.body)).toContain('interpolate');
    expect(rig.services.params.get('interpolate')).toBe(1);
  });
});
