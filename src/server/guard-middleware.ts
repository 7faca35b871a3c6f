/** The request guard and the body limit as Hono middleware, in front of every route of the server. */
import { getConnInfo } from '@hono/node-server/conninfo';
import { bodyLimit } from 'hono/body-limit';
import { ScopeError } from '../kernel/errors';
import { errorResponse } from './errors';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import type { RequestGuard } from '../kernel/access';
import type { RefusalCounter } from '../kernel/refusals';

const PREFLIGHT: Record<string, string> = {
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  // The Mcp-* headers and Last-Event-ID: a browser agent on an allowed origin speaks MCP to /mcp.
  'Access-Control-Allow-Headers':
    'Content-Type, Authorization, If-Match, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID',
  'Access-Control-Max-Age': '600',
};
const EXPOSED = 'Location, ETag, Accept-Post, Accept-Patch, Link, Mcp-Session-Id';

/** Pages a person opens with `?token=`: they are sent on without it once the cookie is set. */
const PAGES = new Set(['/', '/output']);

/** Checks every request with the guard; answers preflights of allowed origins and adds their CORS headers. */
export function guardRequests(guard: RequestGuard): MiddlewareHandler {
  return async (c, next) => {
    let remoteAddress: string | undefined;
    try {
      remoteAddress = getConnInfo(c).remote.address;
    } catch {
      // app.request() in tests has no socket: the peer is unknown, which counts as another machine.
    }
    const url = new URL(c.req.url);
    const { incoming } = (c.env ?? {}) as Partial<HttpBindings>;
    const verdict = guard.check({
      method: c.req.method,
      url: url.pathname + url.search,
      // app.request() in tests sends no Host header; on a socket the URL's host is the Host header's.
      host: c.req.header('host') ?? url.host,
      origin: c.req.header('origin'),
      authorization: c.req.header('authorization'),
      cookie: c.req.header('cookie'),
      remoteAddress,
      localPort: incoming?.socket.localPort,
      upgrade: false,
    });
    if (!verdict.ok) {
      const res = errorResponse(c, new ScopeError(verdict.code, verdict.message));
      for (const [k, v] of Object.entries(verdict.headers)) res.headers.set(k, v);
      // A refused request's body is never read: hang up rather than drain it.
      if (c.req.header('transfer-encoding') || Number(c.req.header('content-length') ?? 0) > 0) {
        res.headers.set('Connection', 'close');
        hangUpOnceAnswered(c);
      }
      return res;
    }
    const cors = 'Access-Control-Allow-Origin' in verdict.headers;
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      return c.body(null, 204, cors ? { ...verdict.headers, ...PREFLIGHT } : {});
    }
    if (verdict.headers['Set-Cookie'] && c.req.method === 'GET' && PAGES.has(url.pathname)) {
      url.searchParams.delete('token');
      return c.body(null, 303, { ...verdict.headers, Location: url.pathname + url.search });
    }
    await next();
    for (const [k, v] of Object.entries(verdict.headers)) c.header(k, v);
    if (cors) c.header('Access-Control-Expose-Headers', EXPOSED);
    return undefined;
  };
}

/**
 * Closes the connection as soon as the answer is out, without reading what the client still sends: the HTTP
 * adapter would otherwise drain up to 64 MiB of a refused body to keep the connection, which a hostile client can
 * make it do again and again. (Under app.request() there is no connection.)
 */
function hangUpOnceAnswered(c: Context): void {
  const { incoming, outgoing } = (c.env ?? {}) as Partial<HttpBindings>;
  if (!incoming || !outgoing) return;
  outgoing.once('finish', () => incoming.socket.destroy());
}

/**
 * Refuses a body over its path's limit while it is being read (chunked uploads included), with 413, and closes the
 * connection after the answer so the rest of the body is never read. `maxBytes` may depend on the path: a route with
 * a smaller limit of its own (an SDP offer) must be refused here at that size, or this reads up to the larger one.
 */
export function limitBodies(
  maxBytes: number | ((path: string) => number),
  refusals?: RefusalCounter,
): MiddlewareHandler {
  const limitOf = typeof maxBytes === 'number' ? () => maxBytes : maxBytes;
  const limits = new Map<number, MiddlewareHandler>();
  const limitAt = (max: number) =>
    bodyLimit({
      maxSize: max,
      onError: (c) => {
        refusals?.count('body_too_large');
        const res = errorResponse(c, new ScopeError('body_too_large', `request body over ${max} bytes; refused`));
        res.headers.set('Connection', 'close');
        hangUpOnceAnswered(c);
        return res;
      },
    });
  return (c, next) => {
    const max = limitOf(c.req.path);
    let limit = limits.get(max);
    if (!limit) limits.set(max, (limit = limitAt(max)));
    return limit(c, next);
  };
}
