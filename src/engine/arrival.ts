/**
 * When and where a change arrived, for the surfaces whose changes reach the store later than they arrive or under
 * another surface's name: DMX levels are applied once per frame (the arrival is the packet's), and MCP tools call
 * the HTTP routes in-process (the change is MCP's, not HTTP's). The others write in the same turn they receive,
 * so the latency tracker stamps them itself.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LatencySurface } from '../shared/latency';

export interface Arrival {
  surface: LatencySurface;
  /** On the engine's clock. */
  at: number;
}

const arrivals = new AsyncLocalStorage<Arrival>();

/** Runs `fn` with its store writes counted as `arrival`'s (what `fn` awaits included). */
export function arriving<T>(arrival: Arrival, fn: () => T): T {
  return arrivals.run(arrival, fn);
}

/** The arrival the current call runs for, if any. */
export function currentArrival(): Arrival | undefined {
  return arrivals.getStore();
}
