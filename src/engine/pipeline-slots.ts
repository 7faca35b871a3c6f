import type { Clock } from './clock';
import type { LoadedPipeline } from './loaded-pipeline';
import { PipelineFade } from './pipeline-fade';
import { WarmSet } from './warm-set';

/**
 * Which pipelines are loaded: the active one, the warm ones (loaded and idle, least recently used first) and the
 * outgoing side of a crossfade (timed after a switch, or a held A/B mix). What leaves them is unloaded here, its
 * process ended with it.
 */
export class PipelineSlots {
  active: LoadedPipeline | undefined;
  /**
   * The pipeline that ran before a load: it renders while the new one loads and comes back if the new one fails
   * before its first good frame; then it is kept warm or unloaded as any replaced pipeline.
   */
  previous: LoadedPipeline | undefined;
  fade: PipelineFade | undefined;
  readonly warm: WarmSet;

  constructor(
    capacity: number,
    private readonly clock: Clock,
    private readonly log: (message: string) => void,
    private readonly changed: () => void,
  ) {
    this.warm = new WarmSet(capacity);
  }

  makeActive(p: LoadedPipeline): void {
    p.lastUsed = this.clock.now();
    this.active = p;
  }

  /** Keeps `p` loaded and idle; the least recently used beyond the limit are unloaded. */
  keepWarm(p: LoadedPipeline): void {
    p.lastUsed = this.clock.now();
    for (const evicted of this.warm.put(p)) void this.retire(evicted, 'the least recently used beyond the warm limit');
  }

  /** Unloads a pipeline that is neither active nor warm any more. */
  async retire(p: LoadedPipeline, why: string): Promise<void> {
    this.warm.remove(p);
    if (this.previous === p) this.previous = undefined;
    if (this.fade?.from === p) this.fade = undefined;
    this.log(`unloading ${p.id} (${why})`);
    await p.unload(this.log);
  }

  /** Unloads warm pipelines, least recently used first (never the outgoing side of a fade); returns their ids. */
  async evict(count: number, why: string): Promise<string[]> {
    const freed: string[] = [];
    for (let i = 0; i < count; i++) {
      const p = this.warm.takeOldest(this.fade?.from);
      if (!p) break;
      freed.push(p.id);
      await this.retire(p, why);
    }
    if (freed.length > 0) this.changed();
    return freed;
  }

  setCapacity(n: number): void {
    this.warm.capacity = n;
    for (const p of this.warm.trim()) void this.retire(p, 'fewer pipelines kept warm');
  }

  /** Its process died: true when it is the active one (the watchdog's business); a warm one is just dropped. */
  lost(p: LoadedPipeline, err: Error): boolean {
    if (this.fade?.from === p) this.fade = undefined;
    if (this.active === p) return true;
    if (this.previous === p) {
      this.previous = undefined;
      this.log(`${p.id}, kept while another pipeline loads, dropped: ${err.message}`);
      void p.unload(this.log);
      this.changed();
      return false;
    }
    if (this.warm.remove(p)) {
      this.log(`warm pipeline ${p.id} dropped: ${err.message}`);
      void p.unload(this.log);
      this.changed();
    }
    return false;
  }

  /** Crossfades from `old` over `ms` after a switch, when `old` is kept warm. */
  fadeFrom(old: LoadedPipeline | undefined, ms: number): void {
    if (old && ms > 0 && this.warm.has(old)) this.fade = new PipelineFade(old, this.clock.now(), ms, this.clock);
  }

  /**
   * Holds a mix of the active pipeline with the warm pipeline `id` at `fader()` each frame (0: all `id`, 1: all
   * the active one) until cleared (null) or the next load; answers why not when `id` is not kept warm.
   */
  holdMix(id: string | null, fader: () => number): string | undefined {
    if (id === null) {
      if (this.fade?.isHeld) this.fade = undefined;
      return undefined;
    }
    if (this.active?.id === id) return `${id} is the active pipeline: A must be another one, kept warm`;
    const from = [...this.warm.list()].reverse().find((p) => p.id === id);
    if (!from) {
      const warm = this.warm.list().map((p) => p.id);
      return `${id} is not kept warm (warm: ${warm.join(', ') || 'none'}); load it, then switch back, with --warm 1 or more`;
    }
    this.fade = PipelineFade.held(from, fader, this.clock);
    return undefined;
  }

  /** The warm pipeline a held mix blends in, or null. */
  heldMix(): string | null {
    return this.fade?.isHeld ? this.fade.from.id : null;
  }

  /** Takes everything out, for unloading. */
  clear(): LoadedPipeline[] {
    const all = [this.active, this.previous, ...this.warm.clear()].filter((p) => p !== undefined);
    this.active = undefined;
    this.previous = undefined;
    this.fade = undefined;
    return all;
  }
}
