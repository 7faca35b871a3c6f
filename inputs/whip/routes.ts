import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { MAX_OFFER_BYTES } from '../../src/media/sdp';
import { route } from '../../src/shared/route-doc';
import { SLOT, WhipError } from './whip-ingest';
import type { Context } from 'hono';
import type { WhipIngest } from './whip-ingest';

const problem = (
  c: Context,
  status: 400 | 404 | 405 | 413 | 415 | 429 | 503,
  message: string,
  extra: Record<string, string> = {},
) => c.text(`${message}\n`, status, { ...extra, 'Content-Type': 'text/plain; charset=utf-8' });

const text = (description: string) => ({ media: 'text/plain', description });
const slotParams = z.object({ slot: z.string() });
const sessionParams = z.object({ id: z.string() });

/** The publisher's address, for the log, the listing and the per-client cap (unknown under app.request()). */
function publisherOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * `POST /whip` and `POST /whip/<slot>` (an SDP offer in, 201 + answer + Location out), `DELETE
 * /whip/sessions/<id>`, OPTIONS and PATCH; mounted at the root, behind the server's request guard like /whep:
 * a page of another origin may not publish (OBS and other apps send no Origin), LAN mode needs the token.
 */
export function whipRoutes(ingest: WhipIngest): Hono {
  const app = new Hono();

  // An offer is a few KiB: anything over the limit is cut off while it is still arriving.
  const limit = bodyLimit({
    maxSize: MAX_OFFER_BYTES,
    onError: (c) => problem(c, 413, `the offer is over ${MAX_OFFER_BYTES} bytes`),
  });
  app.post('/whip', limit);
  app.post('/whip/:slot', limit);

  const publish = async (c: Context, slot?: string) => {
    if (slot !== undefined && (!SLOT.test(slot) || slot === 'sessions')) {
      return problem(c, 404, 'a WHIP slot is up to 32 lowercase letters, digits and dashes, e.g. /whip/camera');
    }
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/sdp') {
      return problem(c, 415, 'WHIP expects an SDP offer with Content-Type: application/sdp', {
        'Accept-Post': 'application/sdp',
      });
    }
    try {
      const { id, sdp } = await ingest.publish(await c.req.text(), slot, publisherOf(c));
      return c.body(sdp, 201, {
        'Content-Type': 'application/sdp',
        Location: `/whip/sessions/${id}`,
        ETag: `"${id}"`,
      });
    } catch (err) {
      if (err instanceof WhipError) return problem(c, err.status, err.message);
      throw err;
    }
  };

  const preflightDoc = {
    summary: 'CORS preflight; Accept-Post: application/sdp',
    responses: { 204: 'empty' as const },
  };
  app.options('/whip', route(preflightDoc), (c) => c.body(null, 204, { 'Accept-Post': 'application/sdp' }));
  const slotPreflight = route({ ...preflightDoc, params: slotParams });
  app.options('/whip/:slot', slotPreflight, (c) => c.body(null, 204, { 'Accept-Post': 'application/sdp' }));
  const sessionPreflight = route({ summary: 'CORS preflight', params: sessionParams, responses: { 204: 'empty' } });
  app.options('/whip/sessions/:id', sessionPreflight, (c) => c.body(null, 204));

  const offer = (where: string) => ({
    summary: `WHIP (RFC 9725): ${where}; an SDP offer that sends video in, 201 with the answer and a Location to DELETE`,
    body: { media: 'application/sdp', description: 'the SDP offer of a publisher (sendonly or sendrecv video)' },
    responses: {
      201: { media: 'application/sdp', description: 'the SDP answer, every ICE candidate in it' },
      400: text('a bad offer: not SDP, no video sent, or only codecs that cannot be decoded here'),
      404: text('not a slot name'),
      413: text('an offer over the size limit'),
      415: text('not application/sdp'),
      429: text('too many sessions from this client that have not connected yet'),
      503: text('WebRTC is unavailable here, or the server has all the slots it takes'),
    },
  });
  app.post('/whip', route(offer('publishes to the source `whip`')), (c) => publish(c));
  app.post('/whip/:slot', route({ ...offer('publishes to the source `whip-<slot>`'), params: slotParams }), (c) =>
    publish(c, c.req.param('slot')),
  );

  const endDoc = route({
    summary: 'ends a WHIP session; its source holds the last frame',
    params: sessionParams,
    responses: { 200: 'empty', 404: text('no such session') },
  });
  app.delete('/whip/sessions/:id', endDoc, (c) =>
    ingest.end(c.req.param('id')) ? c.body(null, 200) : problem(c, 404, 'no such WHIP session'),
  );

  // Non-trickle: the answer already carries every candidate; ICE restarts are not offered either.
  const trickleDoc = route({
    summary: 'trickle ICE and ICE restarts are not offered: 405 (the answer already has every candidate)',
    params: sessionParams,
    responses: { 405: text('not supported'), 404: text('no such session') },
  });
  app.patch('/whip/sessions/:id', trickleDoc, (c) =>
    ingest.has(c.req.param('id'))
      ? problem(c, 405, 'trickle ICE and ICE restart are not supported: the answer already has all candidates', {
          Allow: 'DELETE, OPTIONS',
        })
      : problem(c, 404, 'no such WHIP session'),
  );

  return app;
}
