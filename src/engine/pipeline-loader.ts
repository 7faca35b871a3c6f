/**
 * Loads a pipeline into the slots: one load at a time (a newer one supersedes it, its stages aborted), the running
 * one replaced as load-fallback.ts says, a warm instance switched in at once (crossfading when asked), else a new
 * instance built with its stages and progress, and a reload when a load-time parameter changes (debounced).
 */
import type { Cancel, Clock } from './clock';
import { withFaults } from './faults';
import type { HostWatchdog } from './host-watchdog';
import type { PipelineHostOptions } from './host-types';
import type { LoadFallback } from './load-fallback';
import { LoadedPipeline, keyOf, loadTimeValues } from './loaded-pipeline';
import { takesInput } from './pipeline';
import type { PipelineDefinition } from './pipeline';
import type { PipelineSlots } from './pipeline-slots';
import type { LoadReason } from './watchdog';
import type { ParamSpecs, ParamValues } from '../params/spec';
import { errorText } from '../kernel/errors';

/**
 * `kill`: end the running one's process first; `fadeMs`: crossfade from a warm one; `evict`: warm ones to unload;
 * `notes`: what its preflight said without refusing (left out: those of the pipeline's last preflight).
 */
export type LoadOptions = { kill?: boolean; fadeMs?: number; evict?: number; notes?: readonly string[] };

export interface PipelineLoaderDeps {
  options: PipelineHostOptions;
  slots: PipelineSlots;
  watchdog: HostWatchdog;
  fallback: LoadFallback;
  clock: Clock;
  log: (message: string) => void;
  specsOf: (def: PipelineDefinition) => ParamSpecs;
  /** Makes `p` the active pipeline (the engine restarts its time and frame index). */
  activate: (p: LoadedPipeline) => void;
  /** The status changed (a stage, a warning). */
  changed: () => void;
}

export class PipelineLoader {
  /** The stage of the load in progress and how far it is (0..1); null when none is said. */
  stage: string | null = null;
  progress: number | null = null;
  private token = 0;
  private loading: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private cancelReload: Cancel | undefined;
  /**
   * The notes of each pipeline's last preflight: a reload (a load-time value changed, the watchdog) runs none, and
   * keeps what the request before it found.
   */
  private readonly notes = new Map<string, readonly string[]>();

  constructor(private readonly o: PipelineLoaderDeps) {}

  /** Starts loading `def`, superseding a load in progress; resolves when it ended, successfully or not. */
  start(def: PipelineDefinition, why: LoadReason, detail: string, options: LoadOptions): Promise<void> {
    this.cancelReload?.();
    this.o.watchdog.cancel();
    if (options.notes) this.notes.set(def.id, options.notes);
    const token = ++this.token;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const run = this.run(def, token, why, detail, options, abort.signal).finally(() => {
      if (this.loading === run) this.loading = undefined;
    });
    this.loading = run;
    return run;
  }

  /** Abandons the load in progress (everything is being unloaded). */
  abandon(): void {
    this.token++;
    this.abort?.abort();
  }

  /** Reloads the active pipeline once `path` (a load-time parameter) has stopped changing for the debounce time. */
  scheduleReload(path: string): void {
    this.cancelReload?.();
    this.cancelReload = this.o.clock.after(this.o.options.reloadDebounceMs ?? 150, () => {
      const def = this.o.slots.active?.def;
      if (def) void this.start(def, 'param', `reloading ${def.id}: ${path} changed`, {});
    });
  }

  /** Forgets a reload waiting for its debounce. */
  cancelScheduled(): void {
    this.cancelReload?.();
  }

  /** Waits for a load in progress (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.loading) await this.loading;
  }

  /** Says the stage of the load; a named stage goes to the status listeners. */
  setProgress(stage: string | null, fraction: number | null): void {
    this.stage = stage;
    this.progress = fraction;
    if (stage !== null) this.o.changed();
  }

  private async run(
    def: PipelineDefinition,
    token: number,
    why: LoadReason,
    detail: string,
    options: LoadOptions,
    signal: AbortSignal,
  ): Promise<void> {
    const { slots, watchdog } = this.o;
    const current = () => token === this.token;
    const specs = this.o.specsOf(def);
    if (options.evict) await slots.evict(options.evict, `to make room for ${def.id} within the memory budget`);
    const values = this.o.options.params.snapshot(0);
    const old = slots.active;
    const phase = watchdog.state.phase;
    const warm = why === 'switch' ? slots.warm.take(def.id, keyOf(loadTimeValues(specs, values))) : undefined;
    const says = warm ? `switching to ${def.id} (kept warm)` : detail;
    watchdog.dispatch({ type: 'load', pipelineId: def.id, why, detail: says });
    slots.active = undefined;
    slots.fade = undefined;
    const healthy = old !== undefined && why === 'switch' && old.id !== def.id && phase === 'ready' && !options.kill;
    // A hung or crashed pipeline's process goes first: its unload would wait behind the run that never ends.
    const kill = options.kill === true || phase === 'hung' || phase === 'crashed';
    await this.o.fallback.replace(old, { warm, healthy, kill });
    if (warm) return this.switchToWarm(warm, old, current(), options.fadeMs ?? 0);
    if (!current()) return;
    for (const stale of slots.warm.takeAll(def.id)) await slots.retire(stale, 'replaced by a new load');
    await this.loadNew(def, specs, values, signal, current);
  }

  /** Builds and loads a new instance of `def`; it becomes active unless a newer load came meanwhile. */
  private async loadNew(
    def: PipelineDefinition,
    specs: ParamSpecs,
    values: ParamValues<ParamSpecs>,
    signal: AbortSignal,
    current: () => boolean,
  ): Promise<void> {
    const { options, slots, log } = this.o;
    const runtime = options.runtimeFor?.(def.id) ?? options.runtime;
    const created = def.create();
    const instance = options.faults ? withFaults(created, options.faults, this.o.clock) : created;
    const chain = takesInput(def) ? options.preprocess?.create(runtime) : undefined;
    const loaded = new LoadedPipeline(def, instance, runtime, runtime !== options.runtime, specs, values, chain);
    loaded.notes = this.notes.get(def.id) ?? [];
    loaded.onLost((err) => {
      if (!slots.lost(loaded, err)) return;
      if (slots.previous) this.o.fallback.fallBack('process', err.message);
      else this.o.watchdog.dispatch({ type: 'runtime-lost', message: err.message });
    });
    this.setProgress('starting', 0);
    try {
      await loaded.load({
        specs,
        values,
        signal,
        log: (m) => log(`[${def.id}] ${m}`),
        progress: (stage, fraction) => current() && this.setProgress(stage, fraction ?? null),
        changed: () => slots.active === loaded && this.o.changed(),
      });
    } catch (err) {
      await loaded.kill(log);
      if (!current()) return;
      this.setProgress(null, null);
      if (slots.previous) this.o.fallback.fallBack('load', errorText(err));
      else this.o.watchdog.dispatch({ type: 'load-failed', message: errorText(err) });
      return;
    }
    if (!current()) return void (await loaded.unload(log));
    this.o.activate(loaded);
    options.loaded?.(loaded);
    this.o.watchdog.dispatch({ type: 'loaded', detail: `loaded ${def.id} in ${Math.round(loaded.loadMs)} ms` });
  }

  private switchToWarm(warm: LoadedPipeline, old: LoadedPipeline | undefined, current: boolean, fadeMs: number): void {
    if (!current) return this.o.slots.keepWarm(warm);
    this.o.activate(warm);
    this.o.slots.fadeFrom(old, fadeMs);
    this.o.watchdog.dispatch({ type: 'loaded', detail: `switched to ${warm.id} at once (it was kept warm)` });
  }
}
