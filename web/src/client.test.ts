import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineListSchema } from '../../src/shared/api';
import { presetListSchema } from '../../src/shared/presets';
import { HttpError, api, optionalApi } from './client';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers of a server that is not quite ours: each path gives a fixed status and body. */
const answers: Record<string, [number, unknown]> = {
  '/presets': [200, { pipeline: 'a', presets: [{ name: 'calm', values: { zoom: 2 }, savedAt: '2026-01-01' }] }],
  '/pipelines': [200, [{ id: 1, name: 'x' }]],
  '/missing': [404, { error: { code: 'not_found', message: 'no preset "calm" for this pipeline' } }],
  '/broken': [502, '<html>bad gateway</html>'],
};

describe('api(): answers parsed with the shared schemas', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const [status, body] = answers[req.url ?? ''] ?? [500, null];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives the typed answer when it has the shape', async () => {
    const list = await api(`${base}/presets`, presetListSchema);
    expect(list.presets[0]?.values).toEqual({ zoom: 2 });
  });

  it('rejects an answer of another shape, saying where it differs', async () => {
    await expect(api(`${base}/pipelines`, pipelineListSchema)).rejects.toThrow(
      /GET .*\/pipelines answered in an unexpected shape \(0\.id: .*expected string/,
    );
  });

  it("rejects with the server's own sentence, or the status when there is none", async () => {
    const err = await api(`${base}/missing`, presetListSchema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 404, message: 'no preset "calm" for this pipeline' });
    await expect(api(`${base}/broken`, presetListSchema)).rejects.toThrow(/\/broken: HTTP 502/);
  });

  it('optionalApi: a service that is not there (404) is null', async () => {
    expect(await optionalApi(`${base}/missing`, presetListSchema)).toBeNull();
  });
});
