import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { FrameJpegs } from './jpeg';
import { MjpegStreams } from './mjpeg';
import { WsHub } from './ws';
import type { ScopeServices } from './services';

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

/** Serves the app and `/ws` on host:port; a port in use rejects with a sentence saying so. */
export async function startHttpServer(
  services: ScopeServices,
  opts: { port: number; host: string },
): Promise<HttpServer> {
  const jpegs = new FrameJpegs(services.engine, { log: services.log });
  const mjpeg = new MjpegStreams(jpegs);
  const ws = new WsHub(services, { mjpegClients: () => mjpeg.count });
  const app = createApp(services, { jpegs, mjpeg, wsClients: () => ws.count });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;

  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/ws') ws.handleUpgrade(req, socket, head);
    else socket.destroy();
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    jpegs.close();
    await ws.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      throw new Error(
        `Port ${opts.port} already in use on ${opts.host}. Stop the other program or pick another with --port.`,
        { cause: err },
      );
    }
    if (e.code === 'EADDRNOTAVAIL') {
      throw new Error(`Cannot listen on ${opts.host}: no such address on this machine.`, { cause: err });
    }
    throw err;
  }
  // A failing socket after start must not take the process down.
  server.on('error', (err) => services.log(`HTTP server error: ${err.message}`));

  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closing ??= (async () => {
        jpegs.close();
        await ws.close();
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await done;
      })()),
  };
}
