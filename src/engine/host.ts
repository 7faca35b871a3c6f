import { RealtimeClock } from './clock';
import { commonParams } from './registry';
import type { Image } from './frame';
import { takesInput } from './pipeline';
import type { InputProvider, PipelineDefinition, RenderContext } from './pipeline';
import type { LoadedPipeline } from './loaded-pipeline';
import { PipelineSlots } from './pipeline-slots';
import { HostWatchdog } from './host-watchdog';
import { HostRenderer } from './host-render';
import { PipelineLoader } from './pipeline-loader';
import { LoadRequests } from './load-requests';
import type { LoadGate, RequestOptions } from './load-requests';
import { coarse, defaultPolicy } from './watchdog';
import type { PipelineHostOptions, PipelineStatus } from './host-types';
import { LoadFallback } from './load-fallback';
import type { ParamSpecs, ParamValues } from '../params/spec';
import type { PreflightRefusal } from './preflight';

export type { LoadError, LoadRequest, PipelineHostOptions, PipelineState, PipelineStatus } from './host-types';
export { UnknownPipelineError } from './load-requests';
export type { LoadGate, RequestOptions } from './load-requests';

/**
 * Owns the loaded pipelines (the active one and the warm ones): loading with stages, switching, reloading on
 * load-time changes, and the watchdog (watchdog.ts) deciding what a failure, a timeout or a crash leads to. The
 * engine asks it for images and never sees a pipeline throw. The parts: load-requests.ts (what a request goes
 * through first), pipeline-loader.ts (the load itself), load-fallback.ts (the way back when it fails),
 * pipeline-slots.ts (what is loaded, warm and fading), host-render.ts (a frame), host-watchdog.ts.
 */
export class PipelineHost {
  /** Incremented at each load or switch; the engine restarts pipeline time and frame index on a change. */
  generation = 0;
  private readonly slots: PipelineSlots;
  private readonly watchdog: HostWatchdog;
  private readonly fallback: LoadFallback;
  private readonly loader: PipelineLoader;
  private readonly requests: LoadRequests;
  private readonly renderer: HostRenderer;
  private listeners = new Set<(s: PipelineStatus) => void>();
  private readonly log: (m: string) => void;

  constructor(private readonly o: PipelineHostOptions) {
    const log = (this.log = o.log ?? (() => {}));
    const clock = o.clock ?? new RealtimeClock();
    const changed = () => this.emit();
    const specsOf = (def: PipelineDefinition) => this.specsOf(def);
    const activate = (p: LoadedPipeline) => this.makeActive(p);
    const slots = (this.slots = new PipelineSlots(o.warm ?? 0, clock, log, changed));
    const watchdog = (this.watchdog = new HostWatchdog({
      clock,
      policy: { ...defaultPolicy, reloadAfter: o.reloadAfterFailures ?? defaultPolicy.reloadAfter },
      log,
      changed,
      reload: (a) => {
        const def = slots.active?.def;
        if (def) void this.loader.start(def, a.why, a.detail, { kill: a.kill });
      },
    }));
    const fallback = (this.fallback = new LoadFallback({
      slots,
      params: o.params,
      log,
      specsOf,
      activate,
      dispatch: (e) => watchdog.dispatch(e),
      loadingId: () => watchdog.state.pipelineId,
      cancelWake: () => watchdog.cancel(),
      changed,
    }));
    this.loader = new PipelineLoader({ options: o, slots, watchdog, fallback, clock, log, specsOf, activate, changed });
    this.requests = new LoadRequests({
      options: o,
      log,
      specsOf,
      loaded: () => this.loaded(),
      watchedId: () => watchdog.state.pipelineId,
      status: () => this.status(),
      starting: () => {
        fallback.lastError = null;
      },
      start: (def, why, detail, options) => this.loader.start(def, why, detail, options),
    });
    this.renderer = new HostRenderer({
      slots,
      watchdog,
      fallback,
      clock,
      renderTimeoutMs: o.renderTimeoutMs ?? 10_000,
    });
    o.params.onChange((change) => {
      if (change.kind === 'value' && change.mode === 'load' && slots.active) this.loader.scheduleReload(change.path);
    });
  }

  /** Failed renders since start, timeouts and crashes included. */
  get renderFailures(): number {
    return this.watchdog.failures;
  }

  /** The coarse state alone (the frame loop reads it per repeated frame; status() builds the whole record). */
  get state(): PipelineStatus['state'] {
    return coarse(this.watchdog.state.phase);
  }

  status(): PipelineStatus {
    const m = this.watchdog.state;
    const active = this.slots.active;
    const runtime = active?.runtime ?? this.o.runtime;
    return {
      state: coarse(m.phase),
      phase: m.phase,
      reason: m.reason,
      pipelineId: m.pipelineId,
      stage: this.loader.stage,
      progress: this.loader.progress,
      error: m.error,
      retryInMs: this.watchdog.retryInMs(),
      loadedAt: active?.loadedAt ?? null,
      executionProvider: runtime.executionProvider,
      executionProviderReason: runtime.providerStatus()?.reason ?? null,
      transitions: [...this.watchdog.history],
      warm: this.slots.warm.list().map((p) => p.id),
      warnings: active?.warnings ?? [],
      lastLoadError: this.fallback.lastError,
    };
  }

  onStatus(listener: (s: PipelineStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Specs of a pipeline including the common output parameters. */
  specsOf(def: PipelineDefinition): ParamSpecs {
    const chain = this.o.preprocess && takesInput(def) ? this.o.preprocess.specs() : {};
    return { ...commonParams(this.o.resolution), ...chain, ...def.params };
  }

  get activeId(): string | undefined {
    return this.slots.active?.id ?? this.watchdog.state.pipelineId ?? undefined;
  }

  /** The pipeline that rendered the last image render() returned (while another loads, the one kept). */
  get renderingId(): string | undefined {
    return this.renderer.shown ?? this.activeId;
  }

  /**
   * The active pipeline and the warm ones, least recently used first (the memory monitor reads their processes);
   * the one kept rendering while another loads counts as warm.
   */
  loaded(): { active: LoadedPipeline | undefined; warm: readonly LoadedPipeline[] } {
    const { active, previous, warm } = this.slots;
    const held = previous && !warm.has(previous) ? [previous] : [];
    return { active, warm: [...held, ...warm.list()] };
  }

  /** How many pipelines are kept warm from now on; the least recently used beyond that are unloaded. */
  setWarmCapacity(n: number): void {
    this.slots.setCapacity(n);
  }

  /** Unloads up to `count` warm pipelines, least recently used first, to free memory; returns their ids. */
  evictWarm(count: number, why: string): Promise<string[]> {
    return this.slots.evict(count, why);
  }

  /** Restarts the active pipeline for `message` (its process grew past the memory budget): the crash path. */
  restartActive(message: string): void {
    const p = this.slots.active;
    // Only a runtime of its own is ended: a shared one (no isolation) carries every pipeline's sessions.
    if (!p?.ownsRuntime) return;
    void p.runtime.kill();
    this.watchdog.dispatch({ type: 'runtime-lost', message });
  }

  /**
   * Loads a pipeline, unloading the current one (or keeping it warm). `values` are applied first (load-time ones
   * included); a load superseded by a newer one is abandoned. A pipeline kept warm with the same load-time values
   * switches in at once, crossfading over `fadeMs` when given. Resolves when loading ended, successfully or not;
   * rejects (changing nothing) when the preflight refuses it (see request()).
   */
  async load(id: string, values: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<void> {
    return (await this.request(id, values, options)).done;
  }

  /**
   * The preflight (preflight.ts), then the start of the load: rejects, changing nothing, when the pipeline is
   * unknown (UnknownPipelineError), would not fit the memory budget (`memory_budget`), its values are rejected
   * (`invalid_parameters`), its files are missing or damaged or another check refuses it (`load_refused`), or a
   * newer request came in meanwhile (`load_superseded`). Resolves once the load started, with the status as it
   * started; `done` resolves when it ended.
   */
  request(
    id: string,
    values: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<{ done: Promise<void>; started: PipelineStatus }> {
    return this.requests.request(id, values, options);
  }

  /**
   * Whether `id` can load here with its default values (or those it was last used with), without hashing files:
   * undefined when it can, else the refusal with its sentence and the command that fixes it. Changes nothing.
   */
  canLoad(id: string): Promise<PreflightRefusal | undefined> {
    return this.requests.canLoad(id);
  }

  /**
   * Whether `id` may be loaded now with `values`: throws (changing nothing) when it is unknown or would not fit
   * the memory budget, with a sentence saying what to free.
   */
  checkLoad(id: string, values: Record<string, unknown> = {}) {
    return this.requests.check(id, values);
  }

  /** Installs the gate that may take loads over (a show loads on every node at once); undefined removes it. */
  setLoadGate(gate: LoadGate | undefined): void {
    this.requests.gate = gate;
  }

  /** Unloads every pipeline; the engine then sends blank frames. */
  async unload(): Promise<void> {
    this.loader.abandon();
    this.watchdog.cancel();
    await Promise.all(this.slots.clear().map((p) => p.unload(this.log)));
    this.loader.setProgress(null, null);
    this.watchdog.dispatch({ type: 'unload' });
  }

  /**
   * Renders one image, or returns undefined when there is nothing to render (loading, failed and waiting to
   * retry, hung). A render error or timeout goes to the watchdog, never to the caller. The input is fetched only
   * for a pipeline that takes it.
   */
  render(
    ctx: Omit<RenderContext, 'width' | 'height'>,
    values: ParamValues<ParamSpecs>,
    input?: InputProvider,
  ): Promise<Image | undefined> {
    return this.renderer.render(ctx, values, input);
  }

  /**
   * Holds a mix of the active pipeline with the warm pipeline `id` at `fader()` each frame (0: all `id`, 1: all
   * the active one) until cleared (null) or the next load; answers why not when `id` is not kept warm.
   */
  holdMix(id: string | null, fader: () => number): string | undefined {
    return this.slots.holdMix(id, fader);
  }

  /** The warm pipeline a held mix blends in, or null. */
  heldMix(): string | null {
    return this.slots.heldMix();
  }

  /** Waits for a load in progress (tests and shutdown). */
  settled(): Promise<void> {
    return this.loader.settled();
  }

  async stop(): Promise<void> {
    this.loader.cancelScheduled();
    await this.unload();
  }

  private makeActive(p: LoadedPipeline): void {
    this.loader.setProgress(null, 1);
    this.slots.makeActive(p);
    this.generation++;
  }

  private emit(): void {
    const snapshot = this.status();
    for (const l of this.listeners) {
      try {
        l(snapshot);
      } catch {
        // listeners are transports; one failing must not break loading
      }
    }
  }
}
