/**
 * Taking a port, the same way for every listener: HTTP, OSC (UDP), OSCQuery, and the listeners to come. A failure
 * is one sentence that names the service, the port and what to do. The HTTP server cannot go on without its port
 * (its failure ends the start); a service switches itself off with the sentence and the show goes on.
 */

/** Something that listens and says so with 'listening' or 'error' (a net.Server, a dgram.Socket's bind). */
export interface Bindable {
  once(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
}

export interface ListenTarget {
  /** The service, for people: "OSC", "OSCQuery"; the HTTP server has none ("Port 8000 …"). */
  what: string | undefined;
  host: string;
  port: number;
  /** The flag that chooses this port (`--osc-port`). */
  flag: string;
}

/** The sentence for a failed listen. */
export function listenFailure(err: NodeJS.ErrnoException, t: ListenTarget): string {
  const port = t.what ? `${t.what} port` : 'Port';
  switch (err.code) {
    case 'EADDRINUSE':
      return `${port} ${t.port} already in use on ${t.host}`;
    case 'EACCES':
      return `${port} ${t.port} on ${t.host} is not allowed for this user; choose a port above 1023 with ${t.flag}`;
    case 'EADDRNOTAVAIL':
      return `Address ${t.host} is not available on this machine; choose another with --host`;
    default:
      return `${port} ${t.port} on ${t.host} could not be opened: ${err.message}`;
  }
}

/** Runs `bind` (which starts listening on `target`) and resolves once listening, or rejects with the error. */
export function listenOn(target: Bindable & { once(event: 'listening', l: () => void): unknown }, bind: () => void) {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    target.once('error', onError);
    target.once('listening', () => {
      target.off('error', onError);
      resolve();
    });
    bind();
  });
}

/**
 * For a service: listens with `start`; on failure logs "<what> port N already in use on H; <what> is off." and
 * returns that sentence (the service stays off); null once listening.
 */
export async function listenOrSwitchOff(
  t: ListenTarget & { what: string },
  start: () => Promise<void>,
  log: (message: string) => void,
): Promise<string | null> {
  try {
    await start();
    return null;
  } catch (err) {
    const reason = `${listenFailure(err as NodeJS.ErrnoException, t)}; ${t.what} is off.`;
    log(reason);
    return reason;
  }
}
