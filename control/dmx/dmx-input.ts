/**
 * What the listeners feed: one merge per protocol and universe, and the set of universes changed since the last
 * frame. Receiving costs a lookup and a copy; the mappings run once per frame on what changed (DmxService.flush).
 * Only universes someone reads are kept (`wanted`: a mapping, or learn armed), and at most MAX_SOURCES senders a
 * universe, so a flood of packets for other universes or from forged senders costs no memory.
 */
import { UniverseMerge } from './universe-merge';
import type { MergeMode } from './universe-merge';
import type { DmxProtocol } from '../../src/shared/dmx';

export const MAX_SOURCES = 8;

export interface DmxInputSink {
  /** Whether packets for this universe are wanted now; the listeners count the rest as `unmapped`. */
  wants(protocol: DmxProtocol, universe: number): boolean;
  /** Stores a packet's levels; a reason when it was refused. */
  put(protocol: DmxProtocol, universe: number, source: string, data: Uint8Array, priority: number): string | undefined;
  drop(protocol: DmxProtocol, universe: number, source: string): void;
}

export class DmxInput implements DmxInputSink {
  private readonly merges = new Map<string, UniverseMerge>();
  private readonly changed = new Set<string>();
  /** When the oldest change not yet taken arrived, on `stamp`'s clock (the engine's, for the latency figures). */
  private since: number | undefined;

  constructor(
    private readonly o: {
      mode: MergeMode;
      now: () => number;
      timeoutMs?: number;
      /** Universes read now; all by default. */
      wanted?: (key: string) => boolean;
      /** The clock arrivals are stamped on; `now` by default. */
      stamp?: () => number;
    },
  ) {}

  wants(protocol: DmxProtocol, universe: number): boolean {
    return this.o.wanted?.(`${protocol}:${universe}`) ?? true;
  }

  put(protocol: DmxProtocol, universe: number, source: string, data: Uint8Array, priority: number): string | undefined {
    const key = `${protocol}:${universe}`;
    let merge = this.merges.get(key);
    if (!merge) this.merges.set(key, (merge = new UniverseMerge(this.o.mode, this.o.timeoutMs)));
    const now = this.o.now();
    if (!merge.has(source) && merge.live(now) >= MAX_SOURCES) return 'too_many_sources';
    merge.put(source, data, priority, now);
    this.changed.add(key);
    this.since ??= this.o.stamp?.() ?? now;
    return undefined;
  }

  /** Forgets the universes no one reads any more (after the mappings changed or learn ended). */
  prune(): void {
    for (const key of this.merges.keys()) if (!(this.o.wanted?.(key) ?? true)) this.merges.delete(key);
  }

  drop(protocol: DmxProtocol, universe: number, source: string): void {
    const key = `${protocol}:${universe}`;
    const merge = this.merges.get(key);
    if (!merge) return;
    merge.drop(source);
    this.changed.add(key);
    this.since ??= this.o.stamp?.() ?? this.o.now();
  }

  /** When the oldest packet not yet taken arrived (see `stamp`); undefined when nothing waits. */
  get pendingSince(): number | undefined {
    return this.since;
  }

  /** The universes changed since the last call, with their merged levels now. */
  take(): { key: string; protocol: DmxProtocol; universe: number; levels: Uint8Array }[] {
    this.since = undefined;
    const now = this.o.now();
    const out: { key: string; protocol: DmxProtocol; universe: number; levels: Uint8Array }[] = [];
    for (const key of this.changed) {
      const merge = this.merges.get(key);
      if (!merge) continue; // pruned since it changed: no one reads it any more
      const [protocol, universe] = key.split(':') as [DmxProtocol, string];
      out.push({ key, protocol, universe: Number(universe), levels: merge.levels(now) });
    }
    this.changed.clear();
    return out;
  }

  /** The merged levels of a universe now (a copy), for the status and tests. */
  levels(protocol: DmxProtocol, universe: number): Uint8Array | undefined {
    return this.merges.get(`${protocol}:${universe}`)?.levels(this.o.now()).slice();
  }
}
