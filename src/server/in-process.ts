/**
 * The app as a service sees it from inside the process: its documented routes, and requests sent to it without a
 * socket. The MCP server drives the show this way, so its tools answer exactly what HTTP answers. Such a request
 * comes from this process, which the guard knows as a loopback peer: the outer request (an MCP POST) already
 * passed the guard, the LAN token included.
 */
import type { Hono } from 'hono';
import { liveRoutes } from './openapi';
import type { LiveRoute } from './openapi';

export interface AppSelf {
  /** Every route mounted, with its description. */
  routes(): LiveRoute[];
  /** A JSON request to the app; `path` like `/api/v1/parameters?quantize=bar`. */
  request(method: string, path: string, body?: unknown): Promise<Response>;
}

/** What the Node adapter would pass for a peer on this machine (the guard reads the socket's address). */
const THIS_PROCESS = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 0, remoteFamily: 'IPv4' } } };

/** `app` seen from inside (see the top of this file). */
export function appSelf(app: Hono): AppSelf {
  return {
    routes: () => liveRoutes(app),
    request: async (method, path, body) => {
      const request = new Request(`http://127.0.0.1${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return app.fetch(request, THIS_PROCESS);
    },
  };
}
