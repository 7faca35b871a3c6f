/**
 * Per control surface, the time from a change's arrival to the first published frame rendered with it. Each
 * accepted change bumps a version; a render remembers the version its snapshot saw; when the loop publishes a
 * frame of that render, every surface whose oldest waiting change is at or below that version gets one sample.
 * One sample per surface and frame (the change that waited longest), so a MIDI fader sending 200 values between
 * two frames costs one slot, and nothing waits unbounded. Publishing when nothing waits costs a compare.
 */
import { currentArrival } from './arrival';
import { RollingWindow } from './stats';
import { LATENCY_SURFACES } from '../shared/latency';
import type { LatencyStats, LatencySurface } from '../shared/latency';
import type { ParamEvent, ParamSource } from '../params/store';

/** Samples kept per surface: the sliding window the percentiles are taken over. */
export const LATENCY_WINDOW = 256;

/** The surface a store source belongs to (`midi:Pad` -> midi, `ws:3` -> ws); undefined for the perform layer's own. */
export function latencySurfaceOf(source: ParamSource): LatencySurface | undefined {
  const head = source.split(':', 1)[0];
  return (LATENCY_SURFACES as readonly string[]).includes(head!) ? (head as LatencySurface) : undefined;
}

interface Slot {
  window: RollingWindow;
  /** The oldest change not yet published: its version and arrival time; version -1 = none. */
  version: number;
  at: number;
}

export class LatencyTracker {
  /** Bumped by every change a surface made; a render records it with its snapshot. */
  version = 0;
  private waiting = 0;
  private readonly slots: Slot[] = LATENCY_SURFACES.map(() => ({
    window: new RollingWindow(LATENCY_WINDOW),
    version: -1,
    at: 0,
  }));

  constructor(private readonly now: () => number) {}

  /** The store's listener: stamps a surface's change where it arrived (see arrival.ts) or now. */
  changed(event: ParamEvent): void {
    if (event.kind !== 'value') return;
    const own = latencySurfaceOf(event.source);
    if (own === undefined) return;
    const arrival = currentArrival();
    // An arrival counts only for its own surface's writes (MCP's go through the HTTP routes), so a write that
    // merely runs inside one (a fade a tool started) is not stamped with it.
    const matches = arrival && (arrival.surface === own || (arrival.surface === 'mcp' && own === 'http'));
    this.arrived(matches ? arrival.surface : own, matches ? arrival.at : this.now());
  }

  /** A change from `surface` arrived at `at`; the oldest waiting one is what the next frame measures. */
  arrived(surface: LatencySurface, at: number): void {
    this.version++;
    const slot = this.slots[LATENCY_SURFACES.indexOf(surface)]!;
    if (slot.version >= 0) return;
    slot.version = this.version;
    slot.at = at;
    this.waiting++;
  }

  /** The loop published a frame rendered from a snapshot taken at `version`, at `now`. */
  published(version: number, now: number): void {
    if (this.waiting === 0) return;
    for (const slot of this.slots) {
      if (slot.version < 0 || slot.version > version) continue;
      slot.window.push(Math.max(0, now - slot.at));
      slot.version = -1;
      this.waiting--;
    }
  }

  /** p50, p95 and count per surface, milliseconds rounded to 0.01. */
  snapshot(): LatencyStats {
    const round = (v: number) => Math.round(v * 100) / 100;
    const out = {} as LatencyStats;
    LATENCY_SURFACES.forEach((surface, i) => {
      const w = this.slots[i]!.window;
      out[surface] = { p50: round(w.quantile(0.5)), p95: round(w.quantile(0.95)), count: w.count };
    });
    return out;
  }
}
