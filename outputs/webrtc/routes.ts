import { Hono } from 'hono';
import { WhepError } from './whep-output';
import { outputPage } from './page';
import {
  addSessionRoutes,
  answered,
  notSdp,
  offerLimit,
  peerAddress,
  problem,
  text,
} from '../../src/media/webrtc-http';
import { rootPaths } from '../../src/shared/api-paths';
import { routes } from '../../src/http/routes';
import type { RouteDoc } from '../../src/shared/route-doc';
import type { WhepOutput } from './whep-output';

// CORS headers (for this server's own pages and --cors-origin players only) come from the server's request guard.

/**
 * `POST /whep`, `DELETE|PATCH|OPTIONS /whep/:id` and the player page `GET /output`; mounted at the root. Another
 * WHEP output (the conditioning picture's) is served at its own `path`, without a page.
 */
export function whepRoutes(output: WhepOutput, path: string = rootPaths.whep): Hono {
  const app = new Hono();
  const r = routes(app);

  app.use(path, offerLimit());
  const preflight = {
    summary: 'CORS preflight; Accept-Post: application/sdp',
    responses: { 204: 'empty' },
  } satisfies RouteDoc;
  r.options(path, preflight, (c) => c.body(null, 204, { 'Accept-Post': 'application/sdp' }));

  const offerDoc = {
    summary: 'WHEP: an SDP offer in, 201 with the answer (every ICE candidate in it) and a Location to DELETE',
    body: { media: 'application/sdp', description: 'the SDP offer of a receive-only viewer' },
    responses: {
      201: { media: 'application/sdp', description: 'the SDP answer' },
      400: text('a bad offer'),
      413: text('an offer over the size limit'),
      415: text('not application/sdp'),
      429: text('too many sessions from this (remote) client that have not connected yet'),
      503: text('the output is off, or it has all the viewers it takes'),
    },
  } satisfies RouteDoc;
  r.post(path, offerDoc, async (c) => {
    const refused = notSdp(c, 'WHEP');
    if (refused) return refused;
    const offer = await c.req.text();
    try {
      const { id, sdp } = await output.answer(offer, peerAddress(c));
      return answered(c, sdp, `${path}/${id}`, id);
    } catch (err) {
      if (err instanceof WhepError) return problem(c, err.status, err.message);
      throw err;
    }
  });

  addSessionRoutes(app, {
    path: `${path}/:id`,
    protocol: 'WHEP',
    endSummary: 'ends a WHEP session',
    has: (id) => output.has(id),
    end: (id) => output.close(id),
  });

  const pageDoc = {
    summary: 'the player page for OBS browser sources: the video alone, reconnecting by itself',
    responses: { 200: { media: 'text/html', description: 'the page' } },
  } satisfies RouteDoc;
  if (path === rootPaths.whep) {
    r.get(rootPaths.outputPage, pageDoc, (c) => c.html(outputPage(), 200, { 'Cache-Control': 'no-store' }));
  }

  return app;
}
