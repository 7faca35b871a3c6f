/**
 * The one request guard of every listener (API, /ws, MJPEG, WHEP, the panel, OSCQuery HTTP and WebSocket).
 *
 * - Host must name this machine: a loopback name, an `--allowed-host`, or (in LAN mode) one of its own addresses
 *   and names. Anything else is DNS rebinding or a misrouted request: 421.
 * - Origin, when a browser sends one, must be a whole origin this server serves: `http`, a name of this machine
 *   and the port of one of its own listeners (or of the listener the request came in on), or an exact
 *   `--cors-origin`. Scheme and port count: a page on another port of this machine (a dev server, a notebook) or on
 *   `https://localhost` is another site. A page from anywhere else may not change anything or open a socket (403),
 *   whatever its content type.
 * - In LAN mode, peers other than this machine need the token (Bearer header, the cookie the printed URL sets,
 *   or `?token=`): 401.
 */
import { timingSafeEqual } from 'node:crypto';
import { isLoopbackAddress } from '../kernel/access';
import type { AccessRequest, AccessVerdict, RequestGuard } from '../kernel/access';
import type { RefusalCounter } from '../kernel/refusals';

export interface GuardOptions {
  /** Listening beyond loopback: the token is required from other machines. */
  lan: boolean;
  /** Required in LAN mode. */
  token: string | undefined;
  /** Extra names the Host header may carry (`--allowed-host`), and in LAN mode the machine's own. */
  allowedHosts: string[];
  /** Exact origins (`https://player.example`, `http://localhost:5173`) that may use the server from another site. */
  corsOrigins: string[];
  /** Ports of this server's own listeners known at start; more are added with `serve()` once they are bound. */
  ports: number[];
  refusals: RefusalCounter | undefined;
}

const defaults: GuardOptions = {
  lan: false,
  token: undefined,
  allowedHosts: [],
  corsOrigins: [],
  ports: [],
  refusals: undefined,
};

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const TOKEN_COOKIE = 'daydream_scope_token';

/** A host name as URL parsing writes it (`[::1]`, lower case, `127.1` -> `127.0.0.1`); undefined if it is not one. */
export function normalizeHost(value: string): string | undefined {
  if (value === '' || /[/?#@\s\\]/.test(value)) return undefined;
  try {
    const url = new URL(`http://${value}`);
    return url.hostname === '' ? undefined : url.hostname;
  } catch {
    return undefined;
  }
}

export { isLoopbackAddress };

/** Builds the guard; the composition root hands it to every listener. */
export function createRequestGuard(options: Partial<GuardOptions> = {}): RequestGuard {
  const o = { ...defaults, ...options } satisfies GuardOptions;
  if (o.lan && !o.token) throw new Error('LAN mode needs a token');
  const hosts = new Set(LOOPBACK_NAMES);
  for (const h of o.allowedHosts) {
    const n = normalizeHost(h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
    if (n) hosts.add(n);
  }
  const corsOrigins = new Set(o.corsOrigins);
  const ports = new Set(o.ports.map(String));
  const token = o.token ? Buffer.from(o.token) : undefined;

  const refuse = (
    status: 401 | 403 | 421,
    reason: string,
    message: string,
    headers: Record<string, string> = {},
  ): AccessVerdict => {
    o.refusals?.count(reason);
    const code = status === 421 ? 'bad_host' : status === 401 ? 'unauthorized' : 'forbidden_origin';
    return { ok: false, status, code, message, headers };
  };

  const tokenMatches = (given: string | undefined) => {
    if (!token || given === undefined) return false;
    const b = Buffer.from(given);
    return b.length === token.length && timingSafeEqual(b, token);
  };

  /**
   * Whether an Origin header names a page this server serves. The port the request came in on counts as its own
   * even before `serve()` is told (under app.request() there is no socket, and the Host header's port stands in:
   * a browser always sends the port it connected to).
   */
  const originAllowed = (origin: string, req: AccessRequest): boolean => {
    if (corsOrigins.has(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    // Exactly an origin (scheme://host[:port]), as browsers send it; `null`, paths and other schemes are not.
    // The server itself speaks plain HTTP: an https:// page is another site (or a proxy's, named with --cors-origin).
    if (url.origin !== origin || url.protocol !== 'http:' || !hosts.has(url.hostname)) return false;
    const port = url.port || '80';
    return ports.has(port) || port === arrivalPort(req);
  };

  return {
    lan: o.lan,
    serve(port: number): void {
      ports.add(String(port));
    },
    check(req: AccessRequest): AccessVerdict {
      const host = req.host === undefined ? undefined : normalizeHost(req.host);
      if (!host || !hosts.has(host)) {
        return refuse(
          421,
          'bad_host',
          `Host "${req.host ?? ''}" is not a name of this server; refused (DNS rebinding protection). ` +
            'Use 127.0.0.1 or localhost, or allow the name with --allowed-host.',
        );
      }
      const headers: Record<string, string> = {};
      if (req.origin !== undefined) {
        if (originAllowed(req.origin, req)) {
          headers['Access-Control-Allow-Origin'] = req.origin;
          headers.Vary = 'Origin';
        } else if (req.upgrade || !SAFE_METHODS.has(req.method.toUpperCase())) {
          return refuse(
            403,
            'forbidden_origin',
            `A page from ${req.origin} may not change this server or open a socket to it; ` +
              'allow a player site with --cors-origin.',
          );
        }
      }
      if (o.lan && !isLoopbackAddress(req.remoteAddress)) {
        const bearer = /^Bearer\s+(\S+)$/i.exec(req.authorization ?? '')?.[1];
        const fromCookie = cookieValue(req.cookie, TOKEN_COOKIE);
        const fromQuery = new URL(req.url, 'http://x').searchParams.get('token') ?? undefined;
        if (tokenMatches(fromQuery)) {
          // The printed URL was opened: the panel and the player's own requests carry the cookie from now on.
          headers['Set-Cookie'] = `${TOKEN_COOKIE}=${fromQuery}; Path=/; HttpOnly; SameSite=Strict`;
        } else if (!tokenMatches(bearer) && !tokenMatches(fromCookie)) {
          return refuse(
            401,
            'no_token',
            'This server listens on the network and needs its token: open the URL printed at start ' +
              '(…?token=…) or send "Authorization: Bearer <token>".',
            { 'WWW-Authenticate': 'Bearer realm="daydream-scope"' },
          );
        }
      }
      return { ok: true, headers };
    },
  };
}

/** The port a request came in on: its socket's, or (without one) the Host header's, 80 when it names none. */
function arrivalPort(req: AccessRequest): string | undefined {
  if (req.localPort !== undefined) return String(req.localPort);
  if (req.host === undefined) return undefined;
  try {
    return new URL(`http://${req.host}`).port || '80';
  } catch {
    return undefined;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
