/**
 * What the listeners feed: one merge per protocol and universe, and the set of universes changed since the last
 * frame. Receiving costs a lookup and a copy; the mappings run once per frame on what changed (DmxService.flush).
 */
import { UniverseMerge } from './universe-merge';
import type { MergeMode } from './universe-merge';
import type { DmxProtocol } from '../../src/shared/dmx';

export interface DmxInputSink {
  put(protocol: DmxProtocol, universe: number, source: string, data: Uint8Array, priority: number): void;
  drop(protocol: DmxProtocol, universe: number, source: string): void;
}

export class DmxInput implements DmxInputSink {
  private readonly merges = new Map<string, UniverseMerge>();
  private readonly changed = new Set<string>();

  constructor(private readonly o: { mode: MergeMode; now: () => number; timeoutMs?: number }) {}

  put(protocol: DmxProtocol, universe: number, source: string, data: Uint8Array, priority: number): void {
    const key = `${protocol}:${universe}`;
    let merge = this.merges.get(key);
    if (!merge) this.merges.set(key, (merge = new UniverseMerge(this.o.mode, this.o.timeoutMs)));
    merge.put(source, data, priority, this.o.now());
    this.changed.add(key);
  }

  drop(protocol: DmxProtocol, universe: number, source: string): void {
    const key = `${protocol}:${universe}`;
    this.merges.get(key)?.drop(source);
    this.changed.add(key);
  }

  /** The universes changed since the last call, with their merged levels now. */
  take(): { key: string; protocol: DmxProtocol; universe: number; levels: Uint8Array }[] {
    const now = this.o.now();
    const out = [...this.changed].map((key) => {
      const [protocol, universe] = key.split(':') as [DmxProtocol, string];
      return { key, protocol, universe: Number(universe), levels: this.merges.get(key)!.levels(now) };
    });
    this.changed.clear();
    return out;
  }

  /** The merged levels of a universe now (a copy), for the status and tests. */
  levels(protocol: DmxProtocol, universe: number): Uint8Array | undefined {
    return this.merges.get(`${protocol}:${universe}`)?.levels(this.o.now()).slice();
  }
}
