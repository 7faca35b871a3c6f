import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withErrorAnswers } from '../server/app';
import { declaredRoutes, mount, routes } from './routes';

const bodySchema = z.strictObject({ bpm: z.number().min(20) });

function app() {
  const api = new Hono();
  const r = routes(api);
  r.put(
    '/tempo',
    { summary: 'sets the tempo', body: bodySchema, bodyName: 'tempo', responses: { 200: bodySchema } },
    (c) => c.json({ bpm: c.req.valid('json').bpm * 2 }),
  );
  r.post(
    '/go',
    {
      summary: 'goes',
      body: z.object({ cue: z.string().default('next') }),
      emptyBody: {},
      responses: { 200: 'empty' },
    },
    (c) => c.json({ cue: c.req.valid('json').cue }),
  );
  r.get(
    '/frame',
    {
      summary: 'a frame',
      query: z.object({ q: z.coerce.number().int().max(100).default(80) }),
      responses: { 200: 'empty' },
    },
    (c) => c.json({ q: c.req.valid('query').q }),
  );
  r.delete(
    '/takes/:name',
    {
      summary: 'deletes',
      params: z.object({ name: z.string().max(3) }),
      paramsName: 'take name',
      responses: { 200: 'empty' },
    },
    (c) => c.json({ deleted: c.req.valid('param').name }),
  );
  const root = withErrorAnswers(new Hono());
  mount(root, '/api/v1', api);
  return root;
}

const send = async (method: string, path: string, body?: string) => {
  const res = await app().request(path, { method, ...(body === undefined ? {} : { body }) });
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('routes declared once', () => {
  it('hands the handler the parsed body, read as JSON whatever the content type', async () => {
    expect(await send('PUT', '/api/v1/tempo', '{"bpm": 60}')).toEqual({ status: 200, body: { bpm: 120 } });
  });

  it('refuses a body of the wrong shape with the sentence naming it, before the handler runs', async () => {
    expect(await send('PUT', '/api/v1/tempo', '{"bpm": 5}')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_body', message: expect.stringMatching(/^invalid tempo: bpm: /) } },
    });
  });

  it('refuses a body that is not JSON as bad_json; an empty one too, unless the route reads it as a value', async () => {
    expect(await send('PUT', '/api/v1/tempo', '{bpm')).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_json' } },
    });
    expect(await send('PUT', '/api/v1/tempo', '')).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_json' } },
    });
    expect(await send('POST', '/api/v1/go', '  ')).toEqual({ status: 200, body: { cue: 'next' } });
  });

  it('validates the query with its schema, refusing a bad one as invalid_query', async () => {
    expect(await send('GET', '/api/v1/frame?q=50')).toEqual({ status: 200, body: { q: 50 } });
    expect(await send('GET', '/api/v1/frame')).toEqual({ status: 200, body: { q: 80 } });
    expect(await send('GET', '/api/v1/frame?q=500')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_query', message: expect.stringMatching(/^invalid query: q: /) } },
    });
  });

  it('validates the path parameters, decoded, refusing a bad one with the words naming it', async () => {
    expect(await send('DELETE', '/api/v1/takes/a%20b')).toEqual({ status: 200, body: { deleted: 'a b' } });
    expect(await send('DELETE', '/api/v1/takes/toolong')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_body', message: expect.stringMatching(/^invalid take name: name: /) } },
    });
  });

  it('keeps every declaration in the table of the app it is mounted into, by full path', () => {
    const table = declaredRoutes(app()).map((r) => `${r.method} ${r.path} ${r.doc.summary}`);
    expect(table).toEqual([
      'PUT /api/v1/tempo sets the tempo',
      'POST /api/v1/go goes',
      'GET /api/v1/frame a frame',
      'DELETE /api/v1/takes/:name deletes',
    ]);
  });
});
