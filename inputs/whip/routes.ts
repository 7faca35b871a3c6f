import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_OFFER_BYTES } from '../../src/media/sdp';
import { SLOT, WhipError } from './whip-ingest';
import type { Context } from 'hono';
import type { WhipIngest } from './whip-ingest';

const problem = (
  c: Context,
  status: 400 | 404 | 405 | 413 | 415 | 429 | 503,
  message: string,
  extra: Record<string, string> = {},
) => c.text(`${message}\n`, status, { ...extra, 'Content-Type': 'text/plain; charset=utf-8' });

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

  app.options('/whip', (c) => c.body(null, 204, { 'Accept-Post': 'application/sdp' }));
  app.options('/whip/:slot', (c) => c.body(null, 204, { 'Accept-Post': 'application/sdp' }));
  app.options('/whip/sessions/:id', (c) => c.body(null, 204));
  app.post('/whip', (c) => publish(c));
  app.post('/whip/:slot', (c) => publish(c, c.req.param('slot')));

  app.delete('/whip/sessions/:id', (c) =>
    ingest.end(c.req.param('id')) ? c.body(null, 200) : problem(c, 404, 'no such WHIP session'),
  );

  // Non-trickle: the answer already carries every candidate; ICE restarts are not offered either.
  app.patch('/whip/sessions/:id', (c) =>
    ingest.has(c.req.param('id'))
      ? problem(c, 405, 'trickle ICE and ICE restart are not supported: the answer already has all candidates', {
          Allow: 'DELETE, OPTIONS',
        })
      : problem(c, 404, 'no such WHIP session'),
  );

  return app;
}
