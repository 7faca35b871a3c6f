import { performance } from 'node:perf_hooks';
import type { KV } from '@nats-io/kv';

/** One reading of the server's clock: its offset to this machine's, and how sure it is (the round trip). */
export interface ClockSample {
  /** server time − this machine's (performance.timeOrigin + performance.now()), in ms. */
  offsetMs: number;
  rttMs: number;
}

/**
 * Reads the NATS server's clock: a write to its JetStream KV is stamped by the server between our send and its
 * acknowledgement, so the stamp, read back, is the server's time at the middle of that round trip (± half of it).
 */
export async function sampleServerClock(kv: KV, key: string): Promise<ClockSample> {
  const t0 = performance.now();
  const revision = await kv.put(key, '');
  const t1 = performance.now();
  const entry = await kv.get(key, { revision });
  if (!entry) throw new Error('the clock entry vanished');
  const middle = performance.timeOrigin + (t0 + t1) / 2;
  return { offsetMs: entry.created.getTime() - middle, rttMs: t1 - t0 };
}

/** The best of several samples: the one with the shortest round trip (the least uncertain). */
export function bestSample(samples: ClockSample[]): ClockSample | undefined {
  return samples.reduce<ClockSample | undefined>((best, s) => (!best || s.rttMs < best.rttMs ? s : best), undefined);
}
