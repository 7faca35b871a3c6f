import { createAdaptorServer } from '@hono/node-server';
import { listenFailure, listenOn } from '../kernel/listen';
import { createApp } from './app';
import type { AppExtras } from './app';
import { createRequestGuard } from './guard';
import { accessRequestOf, upgradeRefusal } from '../kernel/access';
import { WsHub } from './ws';
import { boundConnections, connectionDefaults, serverTimeouts } from '../media/connection-limits';
import type { ConnectionLimits } from '../media/connection-limits';
import { realTimers } from '../kernel/timers';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import type { RequestGuard } from '../kernel/access';
import type { ScopeServices } from '../kernel/services';
import type { Timers } from '../kernel/timers';

export interface HttpServer {
  /** The port listened on (the real one when 0 was asked for). */
  port: number;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  port: number;
  host: string;
  /** Routes of control and output services, mounted under /api/v1. */
  apiRoutes: Hono[];
  /** Routes mounted at the root (WHEP endpoint, output page). */
  rootRoutes: Hono[];
  /** Routes mounted at the root that drive the app itself (MCP). */
  selfRoutes?: AppExtras['selfRoutes'];
  /** Connected MJPEG clients (the MJPEG output's), for stats. */
  mjpegClients?: () => number;
  /** Who may use the server (every route and /ws); loopback only unless the root builds another. */
  guard?: RequestGuard;
  /** What holds the node back from being ready (see /health/ready). */
  notReady?: () => string[];
  /** The wall time of /ws stats and heartbeats; ManualTimers in tests. */
  timers: Timers;
  /** Header and request timeouts, connections per address (see connection-limits.ts). */
  connections: ConnectionLimits;
}

const defaults: HttpServerOptions = {
  port: 8000,
  host: '127.0.0.1',
  apiRoutes: [],
  rootRoutes: [],
  timers: realTimers,
  connections: connectionDefaults,
};

/** How long open responses (MJPEG, waiting loads) may take to end on close before their sockets are cut. */
const CLOSE_GRACE_MS = 250;

/** Serves the API, the MJPEG stream, the panel and `/ws`; rejects with a sentence when it cannot listen. */
export async function startHttpServer(
  services: ScopeServices,
  options: Partial<HttpServerOptions> = {},
): Promise<HttpServer> {
  const o = { ...defaults, ...options } satisfies HttpServerOptions;
  const mjpegClients = o.mjpegClients ?? (() => 0);
  const guard = o.guard ?? createRequestGuard({ refusals: services.refusals });
  const hub = new WsHub(services, { mjpegClients, timers: o.timers });
  const app = createApp(services, {
    mjpegClients,
    wsClients: () => hub.count,
    apiRoutes: o.apiRoutes,
    rootRoutes: o.rootRoutes,
    selfRoutes: o.selfRoutes ?? [],
    guard,
    ...(o.notReady ? { notReady: o.notReady } : {}),
  });
  const server = createAdaptorServer({ fetch: app.fetch, serverOptions: serverTimeouts(o.connections) }) as Server;
  boundConnections(server, o.connections, services.refusals);

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/ws') return void socket.destroy();
    const verdict = guard.check(accessRequestOf(req, true));
    if (!verdict.ok) socket.end(upgradeRefusal(verdict));
    else hub.handleUpgrade(req, socket, head);
  });

  try {
    await listen(server, o.port, o.host);
  } catch (err) {
    await hub.close();
    throw err;
  }
  // Pages this listener serves may use every listener of the server (OSCQuery's included).
  guard.serve((server.address() as AddressInfo).port);
  // A failing socket after start must not take the process down.
  server.on('error', (err) => services.log(`HTTP server error: ${err.message}`));

  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closing ??= (async () => {
        await hub.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Ended MJPEG responses leave keep-alive sockets idle a moment later; whatever is still busy is cut.
        server.closeIdleConnections();
        const idle = setInterval(() => server.closeIdleConnections(), 10);
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        await closed;
        clearInterval(idle);
        clearTimeout(cut);
      })()),
  };
}

/** Listens, or rejects with the one sentence: the server cannot go on without its port. */
async function listen(server: Server, port: number, host: string): Promise<void> {
  try {
    await listenOn(server, () => server.listen(port, host));
  } catch (err) {
    const sentence = listenFailure(err as NodeJS.ErrnoException, { what: undefined, host, port, flag: '--port' });
    const advice =
      (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? ' Stop the other server or choose another port with --port.'
        : '';
    throw new Error(`${sentence}.${advice}`, { cause: err });
  }
}
