/**
 * Who may hold WebRTC sessions that have not connected yet (WHEP viewers, WHIP publishers). A pending session costs
 * a peer connection until it connects or times out, so each address holds only a few; but every local client (OBS,
 * the panel, a script) is 127.0.0.1, and a quota that refuses would let one local script lock the others out. So:
 *
 * - another machine holding `remote` pending sessions is refused (429) until one connects, ends or expires;
 * - this machine may hold `loopback` of them, and a further offer evicts its oldest pending one instead of being
 *   refused: a stuck script loses its own oldest offer, a real viewer still gets in;
 * - when the output takes no more sessions at all, the oldest pending session (anyone's) makes room before a new
 *   offer is refused: an offer that never connects never keeps a viewer out. Only connected sessions fill it.
 */
import { isLoopbackAddress } from '../kernel/access';

export interface OfferQuotaLimits {
  /** Pending sessions another machine may hold. */
  remote: number;
  /** Pending sessions this machine (all local clients together) may hold before the oldest is evicted. */
  loopback: number;
  /** Sessions the output takes at all (connected or not); Infinity when only slots limit it. */
  total: number;
}

export const offerQuotaDefaults: OfferQuotaLimits = { remote: 4, loopback: 8, total: Infinity };

/** What a session needs to show for the quota; sessions are passed oldest first (a Map's order). */
export interface QuotaSession {
  client: string;
  connected: boolean;
}

export type OfferVerdict<S> =
  | { ok: true; evict: S[] }
  | { ok: false; status: 429 | 503; reason: 'pending_per_client' | 'sessions_full'; message: string };

/** Decides on a new offer from `client`: which pending sessions to close for it, or why it is refused. */
export function admitOffer<S extends QuotaSession>(
  sessions: Iterable<S>,
  client: string,
  limits: OfferQuotaLimits,
): OfferVerdict<S> {
  const all = [...sessions];
  const local = isLoopbackAddress(client);
  const mine = all.filter((s) => !s.connected && (local ? isLoopbackAddress(s.client) : s.client === client));
  const evict: S[] = [];
  if (!local && mine.length >= limits.remote) {
    return {
      ok: false,
      status: 429,
      reason: 'pending_per_client',
      message: `${mine.length} sessions from ${client} have not connected yet; finish or DELETE them before offering again`,
    };
  }
  if (local && mine.length >= limits.loopback) evict.push(...mine.slice(0, mine.length - limits.loopback + 1));
  if (all.length - evict.length >= limits.total) {
    const oldest = all.find((s) => !s.connected && !evict.includes(s));
    if (!oldest) {
      return {
        ok: false,
        status: 503,
        reason: 'sessions_full',
        message: `already ${all.length} sessions, the most this takes, all of them connected`,
      };
    }
    evict.push(oldest);
  }
  return { ok: true, evict };
}
