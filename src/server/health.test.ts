import { afterEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { startTestRig } from '../test-rig';
import { healthRoutes } from './health';

describe('/health, /health/live, /health/ready', () => {
  let rig: Awaited<ReturnType<typeof startTestRig>> | undefined;
  afterEach(() => rig?.stop());

  it('is live at once; ready only with a pipeline rendering and nothing the root holds back', async () => {
    rig = await startTestRig({ pipeline: null });
    const held: string[] = [];
    const app = new Hono().route(
      '/',
      healthRoutes(rig.services, () => held),
    );
    const get = async (path: string) => {
      const res = await app.request(path);
      return { status: res.status, body: await res.json() };
    };
    expect(await get('/health/live')).toMatchObject({ status: 200, body: { live: true, ready: false } });
    expect(await get('/health/ready')).toMatchObject({
      status: 503,
      body: { ready: false, waiting: ['the pipeline is not loaded'] },
    });

    await rig.services.host.load('solid');
    expect(await get('/health/ready')).toMatchObject({ status: 200, body: { ready: true, waiting: [] } });

    held.push('draining: this node is stopping');
    const draining = await get('/health/ready');
    expect(draining).toMatchObject({ status: 503, body: { waiting: ['draining: this node is stopping'] } });
    // Liveness stays: a draining node is alive, just not to be sent new work.
    expect((await get('/health')).status).toBe(200);
  });
});
