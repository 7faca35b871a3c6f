/**
 * Counts refused WHEP and WHIP offers in /api/v1/stats (`refused`), by protocol and why: a script that keeps offers
 * pending, a full output or a flood of bad offers shows there, not only in the answers it got. An offer over its
 * size limit is counted once, as `body_too_large`, by the body limit in front of this.
 */
import { OFFER_PATH } from '../media/webrtc-http';
import type { MiddlewareHandler } from 'hono';
import type { RefusalCounter } from '../kernel/refusals';

const WHY: Record<number, string> = {
  400: 'bad_offer',
  404: 'no_such_slot',
  415: 'not_sdp',
  429: 'pending_per_client',
  503: 'full_or_off',
};

/** Middleware that counts each refused offer (`whep_pending_per_client`, `whip_bad_offer`, ...). */
export function countOfferRefusals(refusals: RefusalCounter): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'POST') return;
    const match = OFFER_PATH.exec(c.req.path);
    const why = WHY[c.res.status];
    if (match && why) refusals.count(`wh${match[1]}_${why}`);
  };
}
