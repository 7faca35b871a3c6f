/**
 * The WHIP protocol (RFC 9725) as a client sees it: POST the SDP offer, get 201 with the answer and a Location,
 * DELETE that Location when done. Non-trickle: the offer already carries every ICE candidate.
 */

/** A published session: where to DELETE it, and the endpoint's SDP answer. */
export interface WhipSession {
  resource: URL;
  answer: string;
  /** ETag of the session, when the endpoint sent one. */
  etag: string | undefined;
}

/** A refusal by the endpoint or the network, said for people; `retry` is false when only a person can fix it. */
export class WhipError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

const authHeaders = (token: string | undefined): Record<string, string> =>
  token ? { Authorization: `Bearer ${token}` } : {};

/** POSTs `offer` to the endpoint; resolves with the session or throws a WhipError saying what went wrong. */
export async function publish(
  endpoint: string,
  offer: string,
  token: string | undefined,
  timeoutMs = 10_000,
): Promise<WhipSession> {
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', ...authHeaders(token) },
      body: offer,
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new WhipError(`could not reach ${endpoint}: ${reason(err)}`, undefined, true);
  }
  const body = await res.text().catch(() => '');
  if (res.status !== 201) {
    const said = body.trim().split('\n')[0]?.slice(0, 200);
    const hint = res.status === 401 || res.status === 403 ? ' (check the bearer token)' : '';
    // 4xx other than 404, 408, 425 and 429 will not heal by waiting; the endpoint may appear later (404).
    const retry = res.status >= 500 || [404, 408, 425, 429].includes(res.status);
    throw new WhipError(`the endpoint answered ${res.status}${hint}${said ? `: ${said}` : ''}`, res.status, retry);
  }
  const location = res.headers.get('location');
  if (!location) throw new WhipError('the endpoint answered 201 without a Location header', 201, true);
  if (!body.startsWith('v=0')) throw new WhipError('the endpoint answered 201 without an SDP answer', 201, true);
  // Location may be relative to the endpoint (RFC 9725 §4.2); after a redirect, to where it was answered.
  return { resource: new URL(location, res.url || endpoint), answer: body, etag: res.headers.get('etag') ?? undefined };
}

/** DELETEs the session; never throws (the endpoint may be gone already), says what happened instead. */
export async function unpublish(
  session: WhipSession,
  token: string | undefined,
  timeoutMs = 2000,
): Promise<{ ok: boolean; status?: number; problem?: string }> {
  try {
    const res = await fetch(session.resource, {
      method: 'DELETE',
      headers: authHeaders(token),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.ok, status: res.status };
  } catch (err) {
    return { ok: false, problem: reason(err) };
  }
}

function reason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
