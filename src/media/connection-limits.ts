/**
 * Bounds on the connections of an HTTP listener (the server's and OSCQuery's), against clients that hold sockets
 * rather than send requests: headers sent a byte every few seconds are cut after `headersTimeoutMs` (Node answers
 * 408 and closes), a whole request after `requestTimeoutMs`, and one address holds at most so many connections at
 * once; the next is answered 503 and closed before a byte of it is read, and counted in /api/v1/stats.
 * Every local client (browsers, OBS, scripts) is 127.0.0.1, so loopback gets a larger bound than another machine.
 */
import { isLoopbackAddress } from '../kernel/access';
import type { ServerOptions } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { RefusalCounter } from '../kernel/refusals';

export interface ConnectionLimits {
  /** How long a client may take to send a request's headers. */
  headersTimeoutMs: number;
  /** How long a whole request (headers and body, at most 1 MiB here) may take to arrive. */
  requestTimeoutMs: number;
  /** How often Node looks for connections past those timeouts: a slow client is cut within this after them. */
  checkIntervalMs: number;
  /** Connections one other machine may hold at once. */
  perAddress: number;
  /** Connections this machine may hold at once (all local clients together). */
  perLoopback: number;
}

export const connectionDefaults: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  checkIntervalMs: 1_000,
  perAddress: 32,
  perLoopback: 256,
};

/** The node:http server options that enforce the timeouts. */
export function serverTimeouts(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
}

const BUSY = 'This address holds too many connections to this server; close some and try again.\n';
const REFUSAL =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(BUSY)}\r\n\r\n${BUSY}`;

/** Counts connections per address on `server` and refuses those over the bound. */
export function boundConnections(server: Server, limits: ConnectionLimits, refusals?: RefusalCounter): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const held = open.get(address) ?? 0;
    if (held >= (isLoopbackAddress(address) ? limits.perLoopback : limits.perAddress)) {
      refusals?.count('connections_per_address');
      // Written and cut at once: the request, if one is already on its way, is never read or run.
      socket.write(REFUSAL);
      socket.destroy();
      return;
    }
    open.set(address, held + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
