/**
 * The whole origin (issue 22): a page on another port or scheme of this machine is another site. Over real sockets,
 * every kind of route that changes state (API, WHEP, WHIP, /ws, OSCQuery's WebSocket) refuses it and changes
 * nothing; the panel (same origin), the /output page and clients that send no Origin (OBS, curl) still work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { solidPipeline } from '../engine/test-support';
import { startTestScope } from './test-support';
import type { Scope } from '../main';

/** Opens a WebSocket with this Origin; the status it was refused with, or 101 once open (then closed again). */
function upgrade(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

describe('the whole origin on every listener', () => {
  let scope: Scope;
  let foreign: string[];

  beforeAll(async () => {
    scope = await startTestScope({
      oscQueryPort: 0,
      pipelines: [solidPipeline(), solidPipeline('other')],
      pipeline: 'solid',
    });
    const other = scope.port === 65535 ? scope.port - 1 : scope.port + 1000;
    foreign = [
      'http://127.0.0.1:9999',
      'https://localhost',
      `https://127.0.0.1:${scope.port}`,
      `http://localhost:${other}`,
      'http://localhost',
    ];
  });
  afterAll(() => scope.stop());

  /** Every route kind that changes state, with a body it would act on. */
  const changes = () => [
    { method: 'PATCH', path: '/api/v1/parameters', type: 'application/json', body: '{"level":77}' },
    { method: 'PUT', path: '/api/v1/parameters/level', type: 'application/json', body: '{"value":77}' },
    { method: 'POST', path: '/api/v1/pipeline/load', type: 'text/plain', body: '{"pipeline_id":"other"}' },
    { method: 'PUT', path: '/api/v1/input', type: 'application/json', body: '{"id":"whip"}' },
    { method: 'POST', path: '/whep', type: 'application/sdp', body: 'v=0\r\n' },
    { method: 'POST', path: '/whip', type: 'application/sdp', body: 'v=0\r\n' },
    // Sending the show away: the WHIP push pointed at another server.
    {
      method: 'PUT',
      path: '/api/v1/outputs/whip-push',
      type: 'application/json',
      body: '{"enabled":true,"options":{"url":"http://evil.example/whip"}}',
    },
  ];

  it('refuses other ports and schemes of this machine on every route that changes state, changing nothing', async () => {
    for (const origin of foreign) {
      for (const r of changes()) {
        const res = await fetch(`${scope.url}${r.path}`, {
          method: r.method,
          headers: { Origin: origin, 'Content-Type': r.type },
          body: r.body,
        });
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect([origin, r.path, res.status]).toEqual([origin, r.path, 403]);
        expect(body.error.message).toContain(`A page from ${origin} may not change this server`);
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
      }
      expect(await upgrade(`${scope.url.replace('http', 'ws')}/ws`, origin)).toBe(403);
      expect(await upgrade(`ws://127.0.0.1:${scope.oscQuery!.port}/`, origin)).toBe(403);
    }
    expect(scope.services.params.get('level')).toBe(10);
    expect(scope.services.host.activeId).toBe('solid');
    const push = (await (await fetch(`${scope.url}/api/v1/outputs`)).json()) as { id: string; enabled: boolean }[];
    expect(push.find((o) => o.id === 'whip-push')?.enabled).toBe(false);
  });

  it('lets in the panel (same origin, by either loopback name) and answers its preflight', async () => {
    for (const origin of [`http://127.0.0.1:${scope.port}`, `http://localhost:${scope.port}`]) {
      const res = await fetch(`${scope.url}/api/v1/parameters`, {
        method: 'PATCH',
        headers: { Origin: origin, 'Content-Type': 'application/json' },
        body: '{"level":20}',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(await upgrade(`${scope.url.replace('http', 'ws')}/ws`, origin)).toBe(101);
    }
    expect(scope.services.params.get('level')).toBe(20);
    scope.services.params.set('level', 10, 'test');
  });

  it("lets the server's pages use OSCQuery's WebSocket, and OSCQuery's own origin use the API", async () => {
    expect(await upgrade(`ws://127.0.0.1:${scope.oscQuery!.port}/`, `http://127.0.0.1:${scope.port}`)).toBe(101);
    const res = await fetch(`${scope.url}/api/v1/parameters`, {
      method: 'PATCH',
      headers: { Origin: `http://127.0.0.1:${scope.oscQuery!.port}`, 'Content-Type': 'application/json' },
      body: '{"level":10}',
    });
    expect(res.status).toBe(200);
  });

  it('serves the /output page, and its WHEP offer from the same origin reaches WHEP (not the guard)', async () => {
    const page = await fetch(`${scope.url}/output`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<');
    const offer = await fetch(`${scope.url}/whep`, {
      method: 'POST',
      headers: { Origin: `http://127.0.0.1:${scope.port}`, 'Content-Type': 'application/sdp' },
      body: 'v=0\r\n',
    });
    // An offer this short is refused by WHEP itself, in its own words: the guard let it through.
    expect(offer.status).toBe(400);
    expect(await offer.text()).toMatch(/SDP/);
  });

  it('lets in clients that send no Origin (OBS browser source, curl, scripts)', async () => {
    const res = await fetch(`${scope.url}/api/v1/parameters`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: '{"level":30}',
    });
    expect(res.status).toBe(200);
    expect(await upgrade(`${scope.url.replace('http', 'ws')}/ws`, undefined)).toBe(101);
    expect(scope.services.params.get('level')).toBe(30);
    scope.services.params.set('level', 10, 'test');
  });
});
