/**
 * Which changes of a show a node takes: a change is data from the network or the show's stored state, so its time
 * is checked like any other input before it may wait in the queue or land on a frame.
 */
import type { ShowChange } from './change';

/**
 * How far ahead of the show's time a change may be stamped (ms). A change is stamped `leadMs` ahead (80 ms) or on
 * a beat; a go further away than this is held on the node it came from and sent once it is within half of it, so
 * nothing that a node sends itself comes near the bound, and a change stamped far ahead (25 s, 1e15) is refused
 * alike on running nodes and on nodes that catch up.
 */
export const MAX_AHEAD_MS = 5000;

/** A change is held on its node until it is due within this (ms). */
export const SEND_AHEAD_MS = MAX_AHEAD_MS / 2;

/**
 * Why `change` is refused at show time `now`, or undefined when it may be applied. `last` is the change applied
 * last for its kind and key: one stamped behind it is older news and would undo a newer value.
 */
export function refusal(change: ShowChange, now: number, last: ShowChange | undefined): string | undefined {
  const ahead = change.at - now;
  if (ahead > MAX_AHEAD_MS) {
    return `it is stamped ${formatMs(ahead)} ahead of the show's time (at most ${MAX_AHEAD_MS / 1000} s)`;
  }
  if (last && change.at < last.at) {
    return `it is stamped ${formatMs(last.at - change.at)} before the change applied last to it`;
  }
  return undefined;
}

function formatMs(ms: number): string {
  return ms < 1e7 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toExponential(1)} ms`;
}

/** The key a change's newest value is kept under: kind and key. */
export const slotOf = (c: Pick<ShowChange, 'kind' | 'key'>) => `${c.kind}\u0000${c.key}`;
