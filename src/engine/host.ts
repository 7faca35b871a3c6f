import { RealtimeClock, within } from './clock';
import type { Cancel, Clock } from './clock';
import { commonParams } from './registry';
import type { Image } from './frame';
import { takesInput } from './pipeline';
import type { InputProvider, PipelineDefinition, RenderContext } from './pipeline';
import { LoadedPipeline, keyOf, loadTimeValues } from './loaded-pipeline';
import { PipelineSlots } from './pipeline-slots';
import { PipelineFade } from './pipeline-fade';
import { withFaults } from './faults';
import { HostWatchdog } from './host-watchdog';
import { coarse, defaultPolicy } from './watchdog';
import type { LoadReason, WatchEvent } from './watchdog';
import type { PipelineHostOptions, PipelineStatus } from './host-types';
import { LoadFallback } from './load-fallback';
import type { RenderOutcome } from './load-fallback';
import type { ParamSpecs, ParamValues } from '../params/spec';
import { preflight, refusalError } from './preflight';
import type { PreflightRefusal } from './preflight';
import { ScopeError } from '../kernel/errors';

export type { LoadError, LoadRequest, PipelineHostOptions, PipelineState, PipelineStatus } from './host-types';

export class UnknownPipelineError extends Error {}

/**
 * Sees every load of a known pipeline before it starts and may take it over: it returns the promise of the load
 * it arranged (resolving when that load ended here), or undefined to let the load start now.
 */
export type LoadGate = (id: string, values: Record<string, unknown>) => Promise<void> | undefined;

type LoadOptions = { kill?: boolean; fadeMs?: number; evict?: number };

/** How a load is asked for: `fadeMs` crossfades from a warm pipeline; `ungated` passes by the gate (a show applying its own change). */
export type RequestOptions = { fadeMs?: number; ungated?: boolean };

/**
 * Owns the loaded pipelines (the active one and the warm ones): loading with stages, switching, reloading on
 * load-time changes, and the watchdog (watchdog.ts) deciding what a failure, a timeout or a crash leads to. The
 * engine asks it for images and never sees a pipeline throw.
 */
export class PipelineHost {
  /** Incremented at each load or switch; the engine restarts pipeline time and frame index on a change. */
  generation = 0;
  private readonly slots: PipelineSlots;
  private readonly watchdog: HostWatchdog;
  private stage: string | null = null;
  private progress: number | null = null;
  private loadToken = 0;
  private loadGate: LoadGate | undefined;
  private loading: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private cancelReload: Cancel | undefined;
  private listeners = new Set<(s: PipelineStatus) => void>();
  /** Counts load requests, so a preflight overtaken by a newer request does not start its load after it. */
  private requests = 0;
  private readonly fallback: LoadFallback;
  private shown: string | undefined;
  private readonly log: (m: string) => void;
  private readonly clock: Clock;

  constructor(private readonly o: PipelineHostOptions) {
    this.log = o.log ?? (() => {});
    this.clock = o.clock ?? new RealtimeClock();
    this.slots = new PipelineSlots(o.warm ?? 0, this.clock, this.log, () => this.emit());
    this.watchdog = new HostWatchdog({
      clock: this.clock,
      policy: { ...defaultPolicy, reloadAfter: o.reloadAfterFailures ?? defaultPolicy.reloadAfter },
      log: this.log,
      changed: () => this.emit(),
      reload: (a) => {
        const def = this.slots.active?.def;
        if (def) void this.startLoad(def, a.why, a.detail, { kill: a.kill });
      },
    });
    this.fallback = new LoadFallback({
      slots: this.slots,
      params: o.params,
      log: this.log,
      specsOf: (def) => this.specsOf(def),
      activate: (p) => this.makeActive(p),
      dispatch: (e) => this.watchdog.dispatch(e),
      loadingId: () => this.watchdog.state.pipelineId,
      cancelWake: () => this.watchdog.cancel(),
      changed: () => this.emit(),
    });
    o.params.onChange((change) => {
      if (change.kind === 'value' && change.mode === 'load' && this.slots.active) this.scheduleReload(change.path);
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
      stage: this.stage,
      progress: this.progress,
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
    return this.shown ?? this.activeId;
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
  async request(
    id: string,
    values: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<{ done: Promise<void>; started: PipelineStatus }> {
    const ticket = ++this.requests;
    const { def, keep, same, evict } = this.checkLoad(id, values);
    const refusal = await this.preflight(def, values, keep, true);
    if (refusal) {
      this.log(`loading ${id} refused (${refusal.check}), nothing changed: ${refusal.message}`);
      throw refusalError(refusal);
    }
    if (ticket !== this.requests) {
      throw new ScopeError('load_superseded', `loading "${id}" was superseded by another load`);
    }
    // After the preflight: a show hands on only loads this node can make (each node runs its own preflight too).
    const gated = options.ungated ? undefined : this.loadGate?.(id, values);
    if (gated) return { done: gated, started: this.status() };
    const active = this.slots.active;
    if (active) active.lastValues = this.o.params.current();
    this.o.params.define(this.specsOf(def), { ...keep, ...values }, id);
    const why = same ? 'param' : 'switch';
    this.fallback.lastError = null;
    const done = this.startLoad(def, why, same ? `reloading ${id}` : `loading ${id}`, {
      fadeMs: options.fadeMs,
      evict,
    });
    return { done, started: this.status() };
  }

  /**
   * Whether `id` can load here with its default values (or those it was last used with), without hashing files:
   * undefined when it can, else the refusal with its sentence and the command that fixes it. Changes nothing.
   */
  async canLoad(id: string): Promise<PreflightRefusal | undefined> {
    try {
      const { def, keep } = this.checkLoad(id);
      return await this.preflight(def, {}, keep, false);
    } catch (err) {
      return { pipelineId: id, check: 'memory budget', message: errorText(err), fix: null };
    }
  }

  /**
   * Whether `id` may be loaded now with `values`: throws (changing nothing) when it is unknown or would not fit
   * the memory budget, with a sentence saying what to free.
   */
  checkLoad(id: string, values: Record<string, unknown> = {}) {
    const def = this.o.registry.get(id);
    if (!def) throw new UnknownPipelineError(`unknown pipeline "${id}"; known: ${this.o.registry.ids().join(', ')}`);
    const specs = this.specsOf(def);
    const { active, warm } = this.loaded();
    const same = active?.id === id || this.watchdog.state.pipelineId === id;
    // Switching back to a warm pipeline brings its values back; reloading the same one keeps the current ones.
    const keep: Record<string, unknown> = same
      ? this.o.params.current()
      : (warm.find((p) => p.id === id)?.lastValues ?? {});
    const key = keyOf(loadTimeValues(specs, { ...defaultsOf(specs), ...keep, ...values }));
    const evict = this.o.admit?.({ id, key, active, warm }) ?? 0;
    return { def, keep, same, evict };
  }

  private preflight(
    def: PipelineDefinition,
    values: Record<string, unknown>,
    keep: Record<string, unknown>,
    hash: boolean,
  ) {
    const specs = this.specsOf(def);
    const ctx = { executionProvider: this.o.runtime.executionProvider };
    const base = { ...defaultsOf(specs), ...keep };
    return preflight({ def, specs, values, base, ctx, hash }, this.o.preflightChecks);
  }

  /** Installs the gate that may take loads over (a show loads on every node at once); undefined removes it. */
  setLoadGate(gate: LoadGate | undefined): void {
    this.loadGate = gate;
  }

  /** Unloads every pipeline; the engine then sends blank frames. */
  async unload(): Promise<void> {
    this.loadToken++;
    this.abort?.abort();
    this.watchdog.cancel();
    await Promise.all(this.slots.clear().map((p) => p.unload(this.log)));
    this.stage = null;
    this.progress = null;
    this.watchdog.dispatch({ type: 'unload' });
  }

  /**
   * Renders one image, or returns undefined when there is nothing to render (loading, failed and waiting to
   * retry, hung). A render error or timeout goes to the watchdog, never to the caller. The input is fetched only
   * for a pipeline that takes it.
   */
  async render(
    ctx: Omit<RenderContext, 'width' | 'height'>,
    values: ParamValues<ParamSpecs>,
    input?: InputProvider,
  ): Promise<Image | undefined> {
    const active = this.slots.active;
    const m = this.watchdog.state;
    const previous = this.slots.previous;
    // While another pipeline loads, the one that ran before goes on rendering, with the values it had.
    if (!active && previous && m.phase === 'loading') return this.renderPrevious(previous, ctx, input);
    if (!active || (m.phase !== 'ready' && m.phase !== 'backoff')) return undefined;
    if (m.phase === 'backoff' && this.clock.now() < (m.retryAt ?? 0)) return undefined;
    const timeoutMs = this.o.renderTimeoutMs ?? 10_000;
    // A new pipeline that has not rendered a good frame yet: the one before fills in, and comes back if it fails.
    if (previous) {
      const first = () => this.race(active.render(ctx, values, input), timeoutMs);
      const before = () => this.renderPrevious(previous, ctx, input);
      const fillIn = this.clock.kind !== 'fixed-step';
      const { image, from } = await this.fallback.probation(active, first, before, timeoutMs, fillIn);
      if (image && from === 'first') this.shown = active.id;
      return image;
    }
    const handed = this.fallback.handedOver(active);
    if (handed) {
      this.shown = active.id;
      return handed;
    }
    const run = active.render(ctx, values, input);
    const fade = this.slots.fade;
    const outgoing = fade?.render(ctx);
    const outcome = await this.race(run, timeoutMs);
    if (this.slots.active !== active) return undefined;
    this.shown = active.id;
    const dispatch = (e: WatchEvent) => this.watchdog.dispatch(e);
    if ('late' in outcome) {
      dispatch({ type: 'timed-out', ms: timeoutMs });
      // Its result, whenever it comes, only tells the watchdog it is over; it never counts as a good render.
      const late = (ok: boolean) => this.slots.active === active && dispatch({ type: 'late-result', ok });
      run.then(
        () => late(true),
        () => late(false),
      );
      return undefined;
    }
    if ('err' in outcome) {
      dispatch({ type: 'render-failed', message: errorText(outcome.err) });
      return undefined;
    }
    dispatch({ type: 'rendered' });
    // The throughput loop's first render only issued its frame: nothing to show yet, nothing failed.
    if (!outcome.image) return undefined;
    if (!fade || !outgoing || this.slots.fade !== fade) return outcome.image;
    const image = await fade.blend(outcome.image, outgoing);
    if (fade.done(this.clock.now()) && this.slots.fade === fade) this.slots.fade = undefined;
    return image;
  }

  /**
   * Holds a mix of the active pipeline with the warm pipeline `id` at `fader()` each frame (0: all `id`, 1: all
   * the active one) until cleared (null) or the next load; answers why not when `id` is not kept warm.
   */
  holdMix(id: string | null, fader: () => number): string | undefined {
    if (id === null) {
      if (this.slots.fade?.isHeld) this.slots.fade = undefined;
      return undefined;
    }
    if (this.slots.active?.id === id) return `${id} is the active pipeline: A must be another one, kept warm`;
    const from = [...this.slots.warm.list()].reverse().find((p) => p.id === id);
    if (!from) {
      const warm = this.slots.warm.list().map((p) => p.id);
      return `${id} is not kept warm (warm: ${warm.join(', ') || 'none'}); load it, then switch back, with --warm 1 or more`;
    }
    this.slots.fade = PipelineFade.held(from, fader, this.clock);
    return undefined;
  }

  /** The warm pipeline a held mix blends in, or null. */
  heldMix(): string | null {
    const fade = this.slots.fade;
    return fade?.isHeld ? fade.from.id : null;
  }

  /** Waits for a load in progress (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.loading) await this.loading;
  }

  async stop(): Promise<void> {
    this.cancelReload?.();
    await this.unload();
  }

  /** The render's outcome, or `late` once the watchdog's time on the clock is up. */
  private race(run: Promise<Image | undefined>, ms: number): Promise<RenderOutcome> {
    const outcome = run.then(
      (image) => ({ image }),
      (err: unknown) => ({ err }),
    );
    return within(this.clock, ms, outcome, { late: true as const });
  }

  private startLoad(def: PipelineDefinition, why: LoadReason, detail: string, options: LoadOptions): Promise<void> {
    this.cancelReload?.();
    this.watchdog.cancel();
    const token = ++this.loadToken;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const run = this.runLoad(def, token, why, detail, options, abort.signal).finally(() => {
      if (this.loading === run) this.loading = undefined;
    });
    this.loading = run;
    return run;
  }

  private async runLoad(
    def: PipelineDefinition,
    token: number,
    why: LoadReason,
    detail: string,
    options: LoadOptions,
    signal: AbortSignal,
  ): Promise<void> {
    const current = () => token === this.loadToken;
    const specs = this.specsOf(def);
    if (options.evict) await this.slots.evict(options.evict, `to make room for ${def.id} within the memory budget`);
    const values = this.o.params.snapshot(0);
    const slots = this.slots;
    const old = slots.active;
    const phase = this.watchdog.state.phase;
    const warm = why === 'switch' ? slots.warm.take(def.id, keyOf(loadTimeValues(specs, values))) : undefined;
    const says = warm ? `switching to ${def.id} (kept warm)` : detail;
    this.watchdog.dispatch({ type: 'load', pipelineId: def.id, why, detail: says });
    slots.active = undefined;
    slots.fade = undefined;
    const healthy = old !== undefined && why === 'switch' && old.id !== def.id && phase === 'ready' && !options.kill;
    // A hung or crashed pipeline's process goes first: its unload would wait behind the run that never ends.
    const kill = options.kill === true || phase === 'hung' || phase === 'crashed';
    await this.fallback.replace(old, { warm, healthy, kill });
    if (warm) return this.switchToWarm(warm, old, current(), options.fadeMs ?? 0);
    if (!current()) return;
    for (const stale of slots.warm.takeAll(def.id)) await slots.retire(stale, 'replaced by a new load');
    const runtime = this.o.runtimeFor?.(def.id) ?? this.o.runtime;
    const created = def.create();
    const instance = this.o.faults ? withFaults(created, this.o.faults, this.clock) : created;
    const chain = takesInput(def) ? this.o.preprocess?.create(runtime) : undefined;
    const loaded = new LoadedPipeline(def, instance, runtime, runtime !== this.o.runtime, specs, values, chain);
    loaded.onLost((err) => {
      if (!slots.lost(loaded, err)) return;
      if (slots.previous) this.fallback.fallBack('process', err.message);
      else this.watchdog.dispatch({ type: 'runtime-lost', message: err.message });
    });
    this.setProgress('starting', 0);
    try {
      await loaded.load({
        specs,
        values,
        signal,
        log: (m) => this.log(`[${def.id}] ${m}`),
        progress: (stage, fraction) => current() && this.setProgress(stage, fraction ?? null),
        changed: () => this.slots.active === loaded && this.emit(),
      });
    } catch (err) {
      await loaded.kill(this.log);
      if (!current()) return;
      this.setProgress(null, null);
      if (slots.previous) this.fallback.fallBack('load', errorText(err));
      else this.watchdog.dispatch({ type: 'load-failed', message: errorText(err) });
      return;
    }
    if (!current()) return void (await loaded.unload(this.log));
    this.makeActive(loaded);
    this.o.loaded?.(loaded);
    this.watchdog.dispatch({ type: 'loaded', detail: `loaded ${def.id} in ${Math.round(loaded.loadMs)} ms` });
  }

  private switchToWarm(warm: LoadedPipeline, old: LoadedPipeline | undefined, current: boolean, fadeMs: number): void {
    if (!current) return this.slots.keepWarm(warm);
    this.makeActive(warm);
    if (old && fadeMs > 0 && this.slots.warm.has(old)) {
      this.slots.fade = new PipelineFade(old, this.clock.now(), fadeMs, this.clock);
    }
    this.watchdog.dispatch({ type: 'loaded', detail: `switched to ${warm.id} at once (it was kept warm)` });
  }

  /** A render of the pipeline kept while another loads; its failure only leaves this frame out. */
  private async renderPrevious(
    p: LoadedPipeline,
    ctx: Omit<RenderContext, 'width' | 'height'>,
    input?: InputProvider,
  ): Promise<Image | undefined> {
    const outcome = await this.race(p.render(ctx, p.frozenValues(), input), this.o.renderTimeoutMs ?? 10_000);
    if (!('image' in outcome) || this.slots.previous !== p) return undefined;
    this.shown = p.id;
    return outcome.image;
  }

  private makeActive(p: LoadedPipeline): void {
    this.stage = null;
    this.progress = 1;
    this.slots.makeActive(p);
    this.generation++;
  }

  private scheduleReload(path: string): void {
    this.cancelReload?.();
    this.cancelReload = this.clock.after(this.o.reloadDebounceMs ?? 150, () => {
      const def = this.slots.active?.def;
      if (def) void this.startLoad(def, 'param', `reloading ${def.id}: ${path} changed`, {});
    });
  }

  private setProgress(stage: string | null, fraction: number | null): void {
    this.stage = stage;
    this.progress = fraction;
    if (stage !== null) this.emit();
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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Default values of specs, so load-time values can be known before the store takes them. */
function defaultsOf(specs: ParamSpecs): Record<string, unknown> {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default]));
}
