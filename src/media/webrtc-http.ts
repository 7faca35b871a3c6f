/**
 * The HTTP side that WHEP (out, RFC 9725's twin) and WHIP (in, RFC 9725) share: one SDP offer POSTed, 201 with the
 * answer and a session resource to DELETE; trickle ICE and ICE restarts are not offered. Plain-text answers.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { MAX_OFFER_BYTES } from './sdp';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import type { Context, Hono, MiddlewareHandler } from 'hono';

/** Where SDP offers are POSTed: /whep, /whip and /whip/<slot>. */
export const OFFER_PATH = /^(?:\/conditioning)?\/wh(ep|ip)(\/[^/]+)?$/;

export type ProblemStatus = 400 | 404 | 405 | 413 | 415 | 429 | 503;

/** A refusal as one plain-text sentence. */
export const problem = (c: Context, status: ProblemStatus, message: string, extra: Record<string, string> = {}) =>
  c.text(`${message}\n`, status, { ...extra, 'Content-Type': 'text/plain; charset=utf-8' });

/** A plain-text response in a route's documentation. */
export const text = (description: string) => ({ media: 'text/plain', description });

export const sessionParams = z.object({ id: z.string() });

/** The peer's address, for the log and the per-client cap (unknown under app.request()). */
export function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * An offer is a few KiB: anything over the limit is cut off while it is still arriving, and the connection is closed
 * after the 413 so the rest of the body is never read.
 */
export const offerLimit = (): MiddlewareHandler =>
  bodyLimit({
    maxSize: MAX_OFFER_BYTES,
    onError: (c) => problem(c, 413, `the offer is over ${MAX_OFFER_BYTES} bytes`, { Connection: 'close' }),
  });

/** The 415 for a POST that is not `application/sdp`, or undefined when it is. */
export function notSdp(c: Context, protocol: 'WHEP' | 'WHIP'): Response | undefined {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/sdp') return undefined;
  return problem(c, 415, `${protocol} expects an SDP offer with Content-Type: application/sdp`, {
    'Accept-Post': 'application/sdp',
  });
}

/** 201 with the SDP answer and the session's resource. */
export const answered = (c: Context, sdp: string, location: string, id: string) =>
  c.body(sdp, 201, { 'Content-Type': 'application/sdp', Location: location, ETag: `"${id}"` });

export interface SessionResource {
  /** The resource's route, with `:id`: `/whep/:id`, `/whip/sessions/:id`. */
  path: string;
  protocol: 'WHEP' | 'WHIP';
  /** What DELETE does, for the API documentation. */
  endSummary: string;
  has(id: string): boolean;
  /** Ends the session; false when there is none. */
  end(id: string): boolean;
}

/** OPTIONS, DELETE and PATCH (405: non-trickle, the answer already has every candidate) on a session resource. */
export function addSessionRoutes(app: Hono, r: SessionResource): void {
  const missing = (c: Context) => problem(c, 404, `no such ${r.protocol} session`);
  const declare = routes(app);
  const preflight = {
    summary: 'CORS preflight',
    params: sessionParams,
    responses: { 204: 'empty' },
  } satisfies RouteDoc;
  declare.options(r.path, preflight, (c) => c.body(null, 204));

  const endDoc = {
    summary: r.endSummary,
    params: sessionParams,
    responses: { 200: 'empty', 404: text('no such session') },
  } satisfies RouteDoc;
  declare.delete(r.path, endDoc, (c) => (r.end(c.req.param('id') ?? '') ? c.body(null, 200) : missing(c)));

  const trickleDoc = {
    summary: 'trickle ICE and ICE restarts are not offered: 405 (the answer already has every candidate)',
    params: sessionParams,
    responses: { 405: text('not supported'), 404: text('no such session') },
  } satisfies RouteDoc;
  declare.patch(r.path, trickleDoc, (c) =>
    r.has(c.req.param('id') ?? '')
      ? problem(c, 405, 'trickle ICE and ICE restart are not supported: the answer already has all candidates', {
          Allow: 'DELETE, OPTIONS',
        })
      : missing(c),
  );
}
