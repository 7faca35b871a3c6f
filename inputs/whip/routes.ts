import { Hono } from 'hono';
import { z } from 'zod';
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
import { SLOT, WhipError } from './whip-ingest';
import type { Context } from 'hono';
import type { WhipIngest } from './whip-ingest';

const slotParams = z.object({ slot: z.string() });

/**
 * `POST /whip` and `POST /whip/<slot>` (an SDP offer in, 201 + answer + Location out), `DELETE
 * /whip/sessions/<id>`, OPTIONS and PATCH; mounted at the root, behind the server's request guard like /whep:
 * a page of another origin may not publish (OBS and other apps send no Origin), LAN mode needs the token.
 */
export function whipRoutes(ingest: WhipIngest): Hono {
  const app = new Hono();
  const r = routes(app);

  const limit = offerLimit();
  app.post('/whip', limit);
  app.post(rootPaths.whipSlot, limit);

  const publish = async (c: Context, slot?: string) => {
    if (slot !== undefined && (!SLOT.test(slot) || slot === 'sessions')) {
      return problem(c, 404, 'a WHIP slot is up to 32 lowercase letters, digits and dashes, e.g. /whip/camera');
    }
    const refused = notSdp(c, 'WHIP');
    if (refused) return refused;
    try {
      const { id, sdp } = await ingest.publish(await c.req.text(), slot, peerAddress(c));
      return answered(c, sdp, `/whip/sessions/${id}`, id);
    } catch (err) {
      if (err instanceof WhipError) return problem(c, err.status, err.message);
      throw err;
    }
  };

  const preflightDoc = {
    summary: 'CORS preflight; Accept-Post: application/sdp',
    responses: { 204: 'empty' as const },
  };
  r.options('/whip', preflightDoc, (c) => c.body(null, 204, { 'Accept-Post': 'application/sdp' }));
  const slotPreflight = { ...preflightDoc, params: slotParams } satisfies RouteDoc;
  r.options(rootPaths.whipSlot, slotPreflight, (c) => c.body(null, 204, { 'Accept-Post': 'application/sdp' }));

  const offer = (where: string) => ({
    summary: `WHIP (RFC 9725): ${where}; an SDP offer that sends video in, 201 with the answer and a Location to DELETE`,
    body: { media: 'application/sdp', description: 'the SDP offer of a publisher (sendonly or sendrecv video)' },
    responses: {
      201: { media: 'application/sdp', description: 'the SDP answer, every ICE candidate in it' },
      400: text('a bad offer: not SDP, no video sent, or only codecs that cannot be decoded here'),
      404: text('not a slot name'),
      413: text('an offer over the size limit'),
      415: text('not application/sdp'),
      429: text('too many sessions from this (remote) client that have not connected yet'),
      503: text('WebRTC is unavailable here, or the server has all the slots it takes'),
    },
  });
  r.post('/whip', offer('publishes to the source `whip`'), (c) => publish(c));
  r.post(rootPaths.whipSlot, { ...offer('publishes to the source `whip-<slot>`'), params: slotParams }, (c) =>
    publish(c, c.req.param('slot')),
  );

  addSessionRoutes(app, {
    path: '/whip/sessions/:id',
    protocol: 'WHIP',
    endSummary: 'ends a WHIP session; its source holds the last frame',
    has: (id) => ingest.has(id),
    end: (id) => ingest.end(id),
  });

  return app;
}
