import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { WhepError } from './whep-output';
import { MAX_OFFER_BYTES } from './sdp';
import { outputPage } from './page';
import { route } from '../../src/shared/route-doc';
import type { Context } from 'hono';
import type { WhepOutput } from './whep-output';

// CORS headers (for this server's own pages and --cors-origin players only) come from the server's request guard.
const problem = (
  c: Context,
  status: 400 | 404 | 405 | 413 | 415 | 429 | 503,
  message: string,
  extra: Record<string, string> = {},
) => c.text(`${message}\n`, status, { ...extra, 'Content-Type': 'text/plain; charset=utf-8' });

/** The peer's address, for the per-client cap on sessions that have not connected yet. */
function peer(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const text = (description: string) => ({ media: 'text/plain', description });
const sessionParams = z.object({ id: z.string() });

/** `POST /whep`, `DELETE|PATCH|OPTIONS /whep/:id` and the player page `GET /output`; mounted at the root. */
export function whepRoutes(output: WhepOutput): Hono {
  const app = new Hono();

  // An offer is a few KiB: anything over the limit is cut off while it is still arriving.
  app.use(
    '/whep',
    bodyLimit({
      maxSize: MAX_OFFER_BYTES,
      onError: (c) => problem(c, 413, `the offer is over ${MAX_OFFER_BYTES} bytes`),
    }),
  );
  const preflight = route({ summary: 'CORS preflight; Accept-Post: application/sdp', responses: { 204: 'empty' } });
  app.options('/whep', preflight, (c) => c.body(null, 204, { 'Accept-Post': 'application/sdp' }));
  const sessionPreflight = route({ summary: 'CORS preflight', params: sessionParams, responses: { 204: 'empty' } });
  app.options('/whep/:id', sessionPreflight, (c) => c.body(null, 204));

  const offerDoc = route({
    summary: 'WHEP: an SDP offer in, 201 with the answer (every ICE candidate in it) and a Location to DELETE',
    body: { media: 'application/sdp', description: 'the SDP offer of a receive-only viewer' },
    responses: {
      201: { media: 'application/sdp', description: 'the SDP answer' },
      400: text('a bad offer'),
      413: text('an offer over the size limit'),
      415: text('not application/sdp'),
      429: text('too many sessions from this client that have not connected yet'),
      503: text('the output is off, or it has all the viewers it takes'),
    },
  });
  app.post('/whep', offerDoc, async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/sdp') {
      return problem(c, 415, 'WHEP expects an SDP offer with Content-Type: application/sdp', {
        'Accept-Post': 'application/sdp',
      });
    }
    const offer = await c.req.text();
    try {
      const { id, sdp } = await output.answer(offer, peer(c));
      return c.body(sdp, 201, {
        'Content-Type': 'application/sdp',
        Location: `/whep/${id}`,
        ETag: `"${id}"`,
      });
    } catch (err) {
      if (err instanceof WhepError) return problem(c, err.status, err.message);
      throw err;
    }
  });

  const closeDoc = route({
    summary: 'ends a WHEP session',
    params: sessionParams,
    responses: { 200: 'empty', 404: text('no such session') },
  });
  app.delete('/whep/:id', closeDoc, (c) =>
    output.close(c.req.param('id')) ? c.body(null, 200) : problem(c, 404, 'no such WHEP session'),
  );

  // Non-trickle: the answer already carries every candidate; ICE restarts are not offered either.
  const trickleDoc = route({
    summary: 'trickle ICE and ICE restarts are not offered: 405 (the answer already has every candidate)',
    params: sessionParams,
    responses: { 405: text('not supported'), 404: text('no such session') },
  });
  app.patch('/whep/:id', trickleDoc, (c) =>
    output.has(c.req.param('id'))
      ? problem(c, 405, 'trickle ICE and ICE restart are not supported: the answer already has all candidates', {
          Allow: 'DELETE, OPTIONS',
        })
      : problem(c, 404, 'no such WHEP session'),
  );

  const pageDoc = route({
    summary: 'the player page for OBS browser sources: the video alone, reconnecting by itself',
    responses: { 200: { media: 'text/html', description: 'the page' } },
  });
  app.get('/output', pageDoc, (c) => c.html(outputPage(), 200, { 'Cache-Control': 'no-store' }));

  return app;
}
