import type { LoadedPipeline } from './loaded-pipeline';

/**
 * Pipelines kept loaded but idle for an instant switch back, least recently used first. It only keeps count; the
 * host unloads what falls out.
 */
export class WarmSet {
  private entries: LoadedPipeline[] = [];

  constructor(public capacity: number) {}

  /** Keeps `p` warm; returns those that no longer fit (the least recently used), for the host to unload. */
  put(p: LoadedPipeline): LoadedPipeline[] {
    this.entries = [...this.entries.filter((e) => e !== p), p].sort((a, b) => a.lastUsed - b.lastUsed);
    const over = Math.max(0, this.entries.length - this.capacity);
    return this.entries.splice(0, over);
  }

  /** Takes out those beyond the capacity (it was lowered), least recently used first. */
  trim(): LoadedPipeline[] {
    return this.entries.splice(0, Math.max(0, this.entries.length - this.capacity));
  }

  /** Takes the warm instance of `id` built for the load-time values `key`, if there is one. */
  take(id: string, key: string): LoadedPipeline | undefined {
    const found = this.entries.find((e) => e.id === id && e.key === key);
    if (found) this.remove(found);
    return found;
  }

  /** Takes every warm instance of `id` (whatever it was built for). */
  takeAll(id: string): LoadedPipeline[] {
    const found = this.entries.filter((e) => e.id === id);
    this.entries = this.entries.filter((e) => e.id !== id);
    return found;
  }

  remove(p: LoadedPipeline): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e !== p);
    return this.entries.length < before;
  }

  has(p: LoadedPipeline): boolean {
    return this.entries.includes(p);
  }

  /** The least recently used one, taken out (to free its memory), skipping `keep`. */
  takeOldest(keep?: LoadedPipeline): LoadedPipeline | undefined {
    const oldest = this.entries.find((e) => e !== keep);
    if (oldest) this.remove(oldest);
    return oldest;
  }

  /** Least recently used first. */
  list(): readonly LoadedPipeline[] {
    return this.entries;
  }

  /** Takes them all out (the host is stopping). */
  clear(): LoadedPipeline[] {
    return this.entries.splice(0);
  }
}
