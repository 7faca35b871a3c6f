import { describe, expect, it } from 'vitest';
import { mcpHttp } from './http-routes';
import type { McpSources } from './server';

/** Sources with no routes and one command: the session rules do not depend on what the tools are. */
const sources: McpSources = {
  version: '0.0.0',
  routes: () => [],
  commands: () => [{ name: 'pause', description: 'pauses', arg: 'bool', run: () => ({ ok: true }) }],
  parameterSchema: () => ({ type: 'object', properties: {} }),
  dispatch: async () => Response.json({ ok: true }),
};

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });

describe('/mcp sessions', () => {
  it('keeps at most maxSessions: opening one more ends the least recently used', async () => {
    const mcp = mcpHttp(sources, { maxSessions: 2 });
    const post = (body: string, id?: string) =>
      mcp.routes.request('/mcp', {
        method: 'POST',
        headers: { ...HEADERS, ...(id ? { 'mcp-session-id': id } : {}) },
        body,
      });
    const open = async () => (await post(initialize)).headers.get('mcp-session-id')!;
    const [a, b] = [await open(), await open()];
    // `a` is used after `b`: `b` is now the least recently used.
    expect((await post(list, a)).status).toBe(200);
    const c = await open();
    expect(mcp.sessions).toBe(2);
    expect((await post(list, b)).status).toBe(404);
    for (const id of [a, c]) {
      const res = await post(list, id);
      expect(res.status).toBe(200);
      expect((await res.json()).result.tools.map((t: { name: string }) => t.name)).toEqual(['command_pause']);
    }
    await mcp.close();
    expect(mcp.sessions).toBe(0);
    expect((await post(list, a)).status).toBe(404);
  });

  it('opens nothing for bad JSON, a request that is not initialize, or a GET without a session', async () => {
    const mcp = mcpHttp(sources);
    const bad = await mcp.routes.request('/mcp', { method: 'POST', headers: HEADERS, body: '{"jsonrpc":' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/Parse error/);
    const notInit = await mcp.routes.request('/mcp', { method: 'POST', headers: HEADERS, body: list });
    expect(notInit.status).toBe(400);
    const get = await mcp.routes.request('/mcp', { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(400);
    expect((await get.json()).error.message).toMatch(/Mcp-Session-Id header is needed/);
    expect(mcp.sessions).toBe(0);
  });
});
