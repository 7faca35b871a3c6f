/**
 * Per control surface, the time from a change's arrival to the first published frame rendered with it. Each
 * accepted change bumps a version; a render takes its snapshot and remembers the version then; when the loop
 * publishes a frame of that render, every change of that version or before is on screen and is measured.
 *
 * Per surface only the first change between two snapshots is kept (it waited longest; a MIDI fader sending 200
 * values between two frames is one sample), in a small fixed ring: a render may be in flight while the next
 * changes arrive, and with interpolation a second one. Nothing is allocated per frame, nothing waits unbounded, and
 * publishing when nothing waits costs a compare.
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

/** Changes of one surface waiting to be seen, one per snapshot boundary, oldest first (a ring). */
const PENDING = 4;

interface Slot {
  window: RollingWindow;
  /** Float64: exact past 2^31 changes (weeks of a busy installation). */
  versions: Float64Array;
  at: Float64Array;
  head: number;
  size: number;
}

export class LatencyTracker {
  /** Bumped by every change a surface made; a render records it with its snapshot. */
  version = 0;
  /** The version the newest snapshot saw. */
  private snapshotted = 0;
  private waiting = 0;
  private readonly slots: Slot[] = LATENCY_SURFACES.map(() => ({
    window: new RollingWindow(LATENCY_WINDOW),
    versions: new Float64Array(PENDING),
    at: new Float64Array(PENDING),
    head: 0,
    size: 0,
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

  /** A change from `surface` arrived at `at`. */
  arrived(surface: LatencySurface, at: number): void {
    const version = ++this.version;
    const slot = this.slots[LATENCY_SURFACES.indexOf(surface)]!;
    if (slot.size > 0) {
      // The newest waiting change is not in a snapshot yet: this one goes out with it, and waited less.
      const newest = (slot.head + slot.size - 1) % PENDING;
      if (slot.versions[newest]! > this.snapshotted || slot.size === PENDING) return;
    }
    const i = (slot.head + slot.size) % PENDING;
    slot.versions[i] = version;
    slot.at[i] = at;
    slot.size++;
    this.waiting++;
  }

  /** A render takes its snapshot now: the version it sees, for `published`. */
  snapshotTaken(): number {
    this.snapshotted = this.version;
    return this.version;
  }

  /** The loop published a frame rendered from a snapshot taken at `version`, at `now`. */
  published(version: number, now: number): void {
    if (this.waiting === 0) return;
    for (const slot of this.slots) {
      while (slot.size > 0 && slot.versions[slot.head]! <= version) {
        slot.window.push(Math.max(0, now - slot.at[slot.head]!));
        slot.head = (slot.head + 1) % PENDING;
        slot.size--;
        this.waiting--;
      }
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
