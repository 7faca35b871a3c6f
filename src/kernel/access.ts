/**
 * Who may drive the show: the shape of the one request guard that every HTTP and WebSocket listener asks before
 * it reads a byte of a request's body. The server implements it (src/server/guard.ts); services that own a
 * listener of their own (OSCQuery) get it from the composition root.
 */
import type { ErrorCode } from '../shared/api';

/** What a listener knows of a request when its headers have arrived. */
export interface AccessRequest {
  method: string;
  /** Path and query as sent (`/api/v1/frame?token=…`). */
  url: string;
  host: string | undefined;
  origin: string | undefined;
  authorization: string | undefined;
  cookie: string | undefined;
  /** The peer's address as the socket reports it (IPv4, IPv6 or IPv4-mapped IPv6). */
  remoteAddress: string | undefined;
  /** The port of the listener the request came in on (its socket's local port); undefined without a socket. */
  localPort?: number | undefined;
  /** A WebSocket upgrade: it can change things once open, so it is checked like a state-changing request. */
  upgrade: boolean;
}

export type AccessVerdict =
  | {
      ok: true;
      /** Headers for the answer: CORS for an allowed origin, a token cookie when the token came in the URL. */
      headers: Record<string, string>;
    }
  | { ok: false; status: 401 | 403 | 421; code: ErrorCode; message: string; headers: Record<string, string> };

export interface RequestGuard {
  /** Checks Host, Origin and (in LAN mode) the token; a refusal is counted and says why in one sentence. */
  check(req: AccessRequest): AccessVerdict;
  /** Whether the server listens beyond loopback (then a token is needed from other machines). */
  readonly lan: boolean;
  /** A listener of this server bound `port`: pages served from it may use every listener (same scheme and host). */
  serve(port: number): void;
}

/** Whether a socket's peer address is this machine (127.0.0.0/8, ::1, or their IPv4-mapped forms). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** Pulls the fields the guard needs from a Node request (HTTP or upgrade). */
export function accessRequestOf(
  req: {
    method?: string | undefined;
    url?: string | undefined;
    headers: Record<string, string | string[] | undefined>;
    socket: { remoteAddress?: string | undefined; localPort?: number | undefined };
  },
  upgrade: boolean,
): AccessRequest {
  const one = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    host: one('host'),
    origin: one('origin'),
    authorization: one('authorization'),
    cookie: one('cookie'),
    remoteAddress: req.socket.remoteAddress,
    localPort: req.socket.localPort,
    upgrade,
  };
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 421: 'Misdirected Request' };

/** The raw HTTP/1.1 answer that refuses a WebSocket upgrade, with the guard's sentence as its body. */
export function upgradeRefusal(verdict: Extract<AccessVerdict, { ok: false }>): string {
  const body = `${verdict.message}\n`;
  const headers = Object.entries(verdict.headers).map(([k, v]) => `${k}: ${v}\r\n`);
  return (
    `HTTP/1.1 ${verdict.status} ${REASONS[verdict.status]}\r\nConnection: close\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers.join('')}\r\n${body}`
  );
}
