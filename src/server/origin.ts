/**
 * Browsers send any page's POST (and WebSocket) to 127.0.0.1 without asking; only the Origin header tells. A
 * request that carries an Origin must come from this server's own host or from a loopback address (the panel's
 * dev server); requests without one (curl, scripts, show controllers) are not browsers and pass.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Whether a request with this Origin (and Host header) may change things. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  let hostname: string;
  try {
    hostname = new URL(origin).hostname;
  } catch {
    return false;
  }
  if (LOOPBACK.has(hostname) || hostname.startsWith('127.')) return true;
  if (!host) return false;
  try {
    return new URL(`http://${host}`).hostname === hostname;
  } catch {
    return false;
  }
}
