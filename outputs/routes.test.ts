import { describe, expect, it } from 'vitest';
import { OutputHub } from './hub';
import { Hono } from 'hono';
import { outputRoutes } from './routes';
import { withErrorAnswers } from '../src/server/app';
import { FakeOutput } from './test-output';

async function setup() {
  const events: unknown[] = [];
  const hub = new OutputHub({ events: { emit: (topic, data) => events.push([topic, data]) } });
  const fake = new FakeOutput('fake');
  const missing = Object.assign(new FakeOutput('spout', 'spout'), { unavailable: 'Spout needs Windows' });
  hub.add(fake, true).add(missing);
  await hub.start();
  const app = withErrorAnswers(new Hono()).route('/', outputRoutes(hub));
  const put = (id: string, body: unknown) =>
    app.request(`/outputs/${id}`, { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { hub, fake, app, put, events };
}

describe('outputRoutes', () => {
  it('GET /outputs lists every output, unavailable ones with their reason', async () => {
    const { app } = await setup();
    const res = await app.request('/outputs');
    expect(res.status).toBe(200);
    const list = (await res.json()) as Record<string, unknown>[];
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({
      id: 'fake',
      kind: 'mjpeg',
      available: true,
      enabled: true,
      state: 'running',
      clients: 0,
      fps: 0,
      dropped: 0,
      options: { name: 'fake', quality: 50 },
    });
    expect(list[1]).toMatchObject({
      id: 'spout',
      available: false,
      state: 'unavailable',
      reason: 'Spout needs Windows',
    });
  });

  it('PUT changes options and enabled, and tells the event bus', async () => {
    const { put, fake, hub, events } = await setup();
    const res = await put('fake', { enabled: false, options: { name: 'stage left' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      enabled: false,
      state: 'off',
      options: { name: 'stage left', quality: 50 },
    });
    expect(fake.options().name).toBe('stage left');
    expect(hub.info('fake').enabled).toBe(false);
    expect(events.at(-1)).toEqual(['outputs', hub.list()]);
  });

  it.each([
    ['invalid JSON', '{nope', 'bad_json'],
    ['an unknown field', { enabled: true, colour: 'red' }, 'invalid_body'],
    ['enabled of the wrong type', { enabled: 'yes' }, 'invalid_body'],
    ['an option out of range', { enabled: false, options: { quality: 500 } }, 'invalid_body'],
    ['an unknown option', { enabled: false, options: { bogus: 1 } }, 'invalid_body'],
  ])('PUT with %s is a 400 and changes nothing', async (_, body, code) => {
    const { put, fake, hub } = await setup();
    const res = await put('fake', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(fake.options()).toEqual({ name: 'fake', quality: 50 });
    expect(hub.info('fake')).toMatchObject({ enabled: true, state: 'running' });
  });

  it('PUT on an unknown output is a 404, enabling an unavailable one a 409 with the reason', async () => {
    const { put } = await setup();
    expect((await put('nope', { enabled: true })).status).toBe(404);
    const res = await put('spout', { enabled: true });
    expect(res.status).toBe(409);
    expect(JSON.stringify(await res.json())).toContain('Spout needs Windows');
  });
});
