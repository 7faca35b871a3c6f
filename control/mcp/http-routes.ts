/**
 * `/mcp`: MCP over Streamable HTTP, with sessions. POST carries JSON-RPC (an `initialize` without a session id
 * opens a session; the answer's `Mcp-Session-Id` names it), GET opens the session's stream of server
 * notifications, DELETE ends the session. The route sits behind the server's request guard like every other
 * (Host, Origin, the LAN token), which is why the transport's own host checks stay off.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { createMcpServer, toolsSignature } from './server';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { McpSources } from './server';

export const MCP_PATH = '/mcp';

export interface McpHttpOptions {
  /** Sessions kept at once; opening one more ends the least recently used (a client that left without DELETE). */
  maxSessions: number;
  log: (message: string) => void;
}

const defaults: McpHttpOptions = { maxSessions: 32, log: () => {} };

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
}

/** The `/mcp` route and the sessions behind it; `close()` ends them all (at the server's stop). */
export function mcpHttp(sources: McpSources, options: Partial<McpHttpOptions> = {}) {
  const o = { ...defaults, ...options } satisfies McpHttpOptions;
  // In the order of last use: the first is the one to end when the table is full.
  const sessions = new Map<string, Session>();
  // What the sessions last saw of the tool list (see `changes` below).
  let signature: string | undefined;

  const end = async (id: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    await session.server.close();
  };

  const open = async (request: Request): Promise<Response> => {
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // Answers as plain JSON: any HTTP client (curl included) reads them; notifications go to the GET stream.
      enableJsonResponse: true,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
        signature ??= toolsSignature(sources);
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    const server = createMcpServer(sources);
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    const response = await transport.handleRequest(request);
    // Anything but a good initialize (the transport answered why) opens nothing.
    if (transport.sessionId === undefined || !sessions.has(transport.sessionId)) await server.close();
    while (sessions.size > o.maxSessions) {
      const oldest = sessions.keys().next().value!;
      o.log(`MCP: ${o.maxSessions} sessions open; ending the least recently used one`);
      await end(oldest);
    }
    return response;
  };

  // Agents cache the tool list: each open session is told when it changed (a command added, a pipeline loaded).
  const unsubscribe = sources.changes?.(() => {
    if (sessions.size === 0) return void (signature = undefined);
    const now = toolsSignature(sources);
    if (signature !== undefined && now !== signature) {
      for (const { server } of sessions.values()) server.sendToolListChanged().catch(() => {});
    }
    signature = now;
  });

  const routes = new Hono();
  routes.on(['GET', 'POST', 'DELETE'], MCP_PATH, async (c) => {
    const id = c.req.header('mcp-session-id');
    if (id === undefined) {
      if (c.req.method === 'POST') return open(c.req.raw);
      return rpcError(400, 'Bad Request: an Mcp-Session-Id header is needed (POST initialize opens a session)');
    }
    const session = sessions.get(id);
    if (!session) return rpcError(404, 'Session not found: it ended or never was; initialize a new one');
    sessions.delete(id);
    sessions.set(id, session);
    return session.transport.handleRequest(c.req.raw);
  });

  return {
    routes,
    /** Sessions open now. */
    get sessions() {
      return sessions.size;
    },
    async close() {
      unsubscribe?.();
      await Promise.all([...sessions.keys()].map(end));
    },
  };
}

export type McpHttp = ReturnType<typeof mcpHttp>;

/** A JSON-RPC error answer, as the MCP transport writes its own. */
function rpcError(status: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }, { status });
}
