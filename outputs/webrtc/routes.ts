import { Hono } from 'hono';
import { WhepError } from './whep-output';
import { MAX_OFFER_BYTES } from './sdp';
import { outputPage } from './page';
import type { Context } from 'hono';
import type { WhepOutput } from './whep-output';

// WHEP players often live on other origins; a receive-only stream is fine to offer to them.
const CORS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, DELETE, PATCH, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization, If-Match',
  'Access-Control-Expose-Headers': 'Location, ETag, Accept-Post, Accept-Patch, Link',
};

const problem = (
  c: Context,
  status: 400 | 404 | 405 | 415 | 503,
  message: string,
  extra: Record<string, string> = {},
) => c.text(`${message}\n`, status, { ...CORS, ...extra, 'Content-Type': 'text/plain; charset=utf-8' });

/** `POST /whep`, `DELETE|PATCH|OPTIONS /whep/:id` and the player page `GET /output`; mounted at the root. */
export function whepRoutes(output: WhepOutput): Hono {
  const app = new Hono();

  app.options('/whep', (c) => c.body(null, 204, { ...CORS, 'Accept-Post': 'application/sdp' }));
  app.options('/whep/:id', (c) => c.body(null, 204, CORS));

  app.post('/whep', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/sdp') {
      return problem(c, 415, 'WHEP expects an SDP offer with Content-Type: application/sdp', {
        'Accept-Post': 'application/sdp',
      });
    }
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_OFFER_BYTES) return problem(c, 400, `the offer is over ${MAX_OFFER_BYTES} bytes`);
    const offer = await c.req.text();
    try {
      const { id, sdp } = await output.answer(offer);
      return c.body(sdp, 201, {
        ...CORS,
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
    output.close(c.req.param('id')) ? c.body(null, 200, CORS) : problem(c, 404, 'no such WHEP session'),
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
