import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../server/test-support';
import { FakeSource } from '../../inputs/test-source';
import { startInputScope } from '../../inputs/test-support';
import type { InputTestScope } from '../../inputs/test-support';
import type { Frame } from '../engine/frame';

describe('the pre-processor chain in the server', () => {
  let t: InputTestScope;
  let frames: Frame[] = [];
  let cam: FakeSource;

  beforeAll(async () => {
    t = await startInputScope({ pipeline: 'passthrough', width: 64, height: 64, fps: 20 });
    t.scope.services.engine.onFrame((f) => frames.push(f));
    cam = new FakeSource('cam');
    await t.hub.add(cam, true);
    t.hub.select('cam');
  });
  afterAll(() => t?.stop());

  it('PATCH preprocess greys the output of passthrough, and the conditioning picture has routes of its own', async () => {
    const conditioning = `${t.scope.url}/api/v1/conditioning/frame`;
    expect((await fetch(conditioning)).status).toBe(503);
    const res = await fetch(`${t.scope.url}/api/v1/parameters`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ preprocess: 'grayscale' }),
    });
    expect(res.status).toBe(200);
    const grey = Math.round(0.299 * 90);
    // The server runs on the real-time clock (an HTTP round trip and the input hub are in the path), so the test
    // sends frames until one comes out greyed, with a generous limit for a busy machine.
    await waitFor(
      () => {
        cam.send(64, 64, 90);
        const hit = frames.some((f) => f.data[0] === grey && f.data[1] === grey && f.data[2] === grey);
        frames = [];
        return hit;
      },
      30_000,
      'a grey frame',
    );
    const jpeg = await fetch(conditioning);
    expect(jpeg.status).toBe(200);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    const bad = await fetch(`${t.scope.url}/api/v1/parameters`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ preprocess: 'grayscale,sepia' }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('\\"sepia\\" is not one of grayscale');
    expect(t.scope.services.params.get('preprocess')).toBe('grayscale');
  });
});
