import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app';
import { createRequestGuard } from '../../src/server/guard';
import { setupMcp } from '../../src/mcp-setup';
import { startTestRig } from '../../src/test-rig';
import { httpClient, jsonOf } from './test-mcp';
import type { Hono } from 'hono';

const TOKEN = 'lan-token-for-the-mcp-test';

/**
 * In LAN mode /mcp needs the token like every route. app.request() has no socket, so its requests count as
 * coming from another machine, which is what LAN mode guards against; the tools' own requests inside the process
 * still pass (they come from this machine).
 */
describe('/mcp in LAN mode', () => {
  let rig: Awaited<ReturnType<typeof startTestRig>>;
  let app: Hono;
  const fetchApp = async (url: string | URL, init?: RequestInit) => app.request(String(url), init);

  beforeAll(async () => {
    rig = await startTestRig();
    const guard = createRequestGuard({ lan: true, token: TOKEN, refusals: rig.services.refusals });
    app = createApp(rig.services, { guard, selfRoutes: [setupMcp(rig.services).routes] });
  });
  afterAll(() => rig.stop());

  it('refuses a client without the token (401) or with a wrong one', async () => {
    const res = await app.request('http://127.0.0.1/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
    await expect(httpClient('http://127.0.0.1', { fetch: fetchApp })).rejects.toThrow(/401|token/);
    const wrong = { authorization: 'Bearer not-the-token' };
    await expect(httpClient('http://127.0.0.1', { fetch: fetchApp, headers: wrong })).rejects.toThrow(/401|token/);
  });

  it('serves a client with the token: its tools change the show', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const { client } = await httpClient('http://127.0.0.1', { fetch: fetchApp, headers });
    try {
      const set = await client.callTool({ name: 'parameters_set', arguments: { values: { level: 42 } } });
      expect(jsonOf(set)).toMatchObject({ values: { level: 42 } });
      expect(rig.services.params.get('level')).toBe(42);
      expect(jsonOf(await client.callTool({ name: 'parameters_get', arguments: {} })).values.level).toBe(42);
    } finally {
      await client.close();
    }
  });
});

describe('/mcp for a browser agent on an allowed origin', () => {
  let rig: Awaited<ReturnType<typeof startTestRig>>;
  let app: Hono;
  const ORIGIN = 'https://agent.example';

  beforeAll(async () => {
    rig = await startTestRig();
    const guard = createRequestGuard({ corsOrigins: [ORIGIN], refusals: rig.services.refusals });
    app = createApp(rig.services, { guard, selfRoutes: [setupMcp(rig.services).routes] });
  });
  afterAll(() => rig.stop());

  it('allows the MCP headers in a preflight and lets the page read the session id', async () => {
    const preflight = await app.request('http://127.0.0.1/mcp', {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Mcp-Session-Id.*Mcp-Protocol-Version/);
    const fetchApp = async (url: string | URL, init?: RequestInit) => app.request(String(url), init);
    const { client, transport } = await httpClient('http://127.0.0.1', {
      fetch: fetchApp,
      headers: { origin: ORIGIN },
    });
    expect(transport.sessionId).toBeDefined();
    await client.close();
    const res = await app.request('http://127.0.0.1/mcp', {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } },
      }),
    });
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Mcp-Session-Id/);
    expect(res.headers.get('mcp-session-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
