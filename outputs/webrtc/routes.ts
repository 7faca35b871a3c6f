import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { WhepError } from './whep-output';
import { MAX_OFFER_BYTES } from './sdp';
import { outputPage } from './page';
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
  app.options('/whep', (c) => c.body(null, 204, { 'Accept-Post': 'application/sdp' }));
  app.options('/whep/:id', (c) => c.body(null, 204));

  app.post('/whep', async (c) => {
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

  app.delete('/whep/:id', (c) =>
    output.close(c.req.param('id')) ? c.body(null, 200) : problem(c, 404, 'no such WHEP session'),
  );

  // Non-trickle: the answer already carries every candidate; ICE restarts are not offered either.
  app.patch('/whep/:id', (c) =>
    output.has(c.req.param('id'))
      ? problem(c, 405, 'trickle ICE and ICE restart are not supported: the answer already has all candidates', {
          Allow: 'DELETE, OPTIONS',
        })
      : problem(c, 404, 'no such WHEP session'),
  );

  app.get('/output', (c) => c.html(outputPage(), 200, { 'Cache-Control': 'no-store' }));

  return app;
}
