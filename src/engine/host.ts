import { performance } from 'node:perf_hooks';
import { RealtimeClock } from './clock';
import type { Cancel, Clock } from './clock';
import { commonParams } from './registry';
import type { PipelineRegistry, ResolutionDefaults } from './registry';
import type { Image } from './frame';
import { takesInput } from './pipeline';
import type { InputProvider, ParamSnapshot, Pipeline, PipelineDefinition, RenderContext } from './pipeline';
import type { ParamStore } from '../params/store';
import type { ParamSpecs, ParamValues } from '../params/spec';
import type { OrtRuntime } from '../runtime/ort';

export type PipelineState = 'idle' | 'loading' | 'ready' | 'error';

export interface PipelineStatus {
  state: PipelineState;
  pipelineId: string | null;
  stage: string | null;
  progress: number | null;
  error: { message: string; during: 'load' | 'render'; at: string; consecutive: number } | null;
  /** Milliseconds until the failed pipeline is tried again, when it failed. */
  retryInMs: number | null;
  loadedAt: string | null;
  executionProvider: string;
  /** Why that provider: what was asked for and what this machine and onnxruntime build offer. */
  executionProviderReason: string | null;
}

export interface PipelineHostOptions {
  registry: PipelineRegistry;
  params: ParamStore;
  runtime: OrtRuntime;
  resolution: ResolutionDefaults;
  /** The engine's clock: the retry backoff and the reload debounce run on it. Real time by default. */
  clock?: Clock;
  log?: (message: string) => void;
  /** Wait after a load-time parameter change before reloading, so a dragged slider reloads once. */
  reloadDebounceMs?: number;
  /** Consecutive render failures after which the pipeline is unloaded and loaded afresh. */
  reloadAfterFailures?: number;
}

export class UnknownPipelineError extends Error {}

const BACKOFF_MS = [250, 1000, 2000, 5000];

/**
 * Owns the active pipeline instance: loading with stages, switching, reloading on load-time changes, and the
 * retry policy when a render fails. The engine asks it for images and never sees a pipeline throw.
 */
export class PipelineHost {
  private active: { def: PipelineDefinition; instance: Pipeline } | undefined;
  private reloadingAfterFailure = false;
  /** Incremented at each successful load; the engine restarts pipeline time and frame index on a change. */
  generation = 0;
  /** Failed renders since start, timeouts included. */
  renderFailures = 0;
  private st: PipelineStatus;
  private loadToken = 0;
  private loading: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private retryAt = 0;
  private lastRenderError: PipelineStatus['error'] = null;
  private consecutiveFailures = 0;
  private cancelReload: Cancel | undefined;
  private listeners = new Set<(s: PipelineStatus) => void>();
  private readonly log: (m: string) => void;
  private readonly clock: Clock;

  constructor(private readonly o: PipelineHostOptions) {
    this.log = o.log ?? (() => {});
    this.clock = o.clock ?? new RealtimeClock();
    this.st = this.blankStatus();
    o.params.onChange((change) => {
      if (change.kind === 'value' && change.mode === 'load' && this.active) this.scheduleReload();
    });
  }

  status(): PipelineStatus {
    const retryInMs =
      this.st.error && this.retryAt > 0 ? Math.max(0, Math.round(this.retryAt - this.clock.now())) : null;
    return {
      ...this.st,
      retryInMs,
      executionProvider: this.o.runtime.executionProvider,
      executionProviderReason: this.o.runtime.providerStatus()?.reason ?? null,
    };
  }

  onStatus(listener: (s: PipelineStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Specs of a pipeline including the common output parameters. */
  specsOf(def: PipelineDefinition): ParamSpecs {
    return { ...commonParams(this.o.resolution), ...def.params };
  }

  get activeId(): string | undefined {
    return this.active?.def.id ?? this.st.pipelineId ?? undefined;
  }

  /**
   * Loads a pipeline, unloading the current one. `values` are applied first (load-time ones included); a load
   * that is superseded by a newer one is abandoned. Resolves when loading ended, successfully or not.
   */
  async load(id: string, values: Record<string, unknown> = {}): Promise<void> {
    const def = this.o.registry.get(id);
    if (!def) throw new UnknownPipelineError(`unknown pipeline "${id}"; known: ${this.o.registry.ids().join(', ')}`);
    const keep = this.active?.def.id === id || this.st.pipelineId === id ? this.o.params.current() : {};
    this.o.params.define(this.specsOf(def), { ...keep, ...values }, id);
    return this.startLoad(def);
  }

  /** Unloads the active pipeline; the engine then sends blank frames. */
  async unload(): Promise<void> {
    this.loadToken++;
    this.abort?.abort();
    await this.dropActive();
    this.setStatus(this.blankStatus());
  }

  /**
   * Renders one image, or returns undefined when there is nothing to render (loading, failed and waiting to
   * retry). A render error is recorded, never thrown. The input is fetched only for a pipeline that takes it.
   */
  async render(
    ctx: Omit<RenderContext, 'width' | 'height'>,
    values: ParamValues<ParamSpecs>,
    input?: InputProvider,
  ): Promise<Image | undefined> {
    const active = this.active;
    if (!active || this.st.state === 'loading') return undefined;
    if (this.st.state === 'error' && this.clock.now() < this.retryAt) return undefined;
    try {
      const snapshot = sized(values);
      const { width, height } = snapshot;
      const frame = input && takesInput(active.def, snapshot) ? input.frame(width, height) : undefined;
      const image = await active.instance.render({ ...ctx, width, height }, snapshot, frame);
      checkImage(image, width, height);
      if (this.st.state === 'error') this.setStatus({ ...this.st, state: 'ready', error: null });
      this.consecutiveFailures = 0;
      return image;
    } catch (err) {
      if (this.active === active) this.failed(err, 'render');
      return undefined;
    }
  }

  /** Marks a render that never came back as failed (called by the engine's watchdog). */
  renderTimedOut(ms: number): void {
    this.failed(new Error(`render took longer than ${Math.round(ms)} ms`), 'render');
  }

  /** Waits for a load in progress (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.loading) await this.loading;
  }

  async stop(): Promise<void> {
    this.cancelReload?.();
    await this.unload();
  }

  private startLoad(def: PipelineDefinition): Promise<void> {
    this.cancelReload?.();
    const token = ++this.loadToken;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const run = this.runLoad(def, token, abort.signal).finally(() => {
      if (this.loading === run) this.loading = undefined;
    });
    this.loading = run;
    return run;
  }

  private async runLoad(def: PipelineDefinition, token: number, signal: AbortSignal): Promise<void> {
    const current = () => token === this.loadToken;
    this.setStatus({ ...this.blankStatus(), state: 'loading', pipelineId: def.id, stage: 'unloading', progress: 0 });
    await this.dropActive();
    if (!current()) return;
    const instance = def.create();
    // Wall time on purpose: the log says how long loading really took, whatever clock drives the frames.
    const started = performance.now();
    this.setStatus({ ...this.st, stage: 'starting', progress: 0 });
    try {
      const snapshot = sized(this.o.params.snapshot(0));
      await instance.load({
        width: snapshot.width,
        height: snapshot.height,
        params: snapshot,
        runtime: this.o.runtime,
        signal,
        log: (m) => this.log(`[${def.id}] ${m}`),
        progress: (stage, fraction) => {
          if (current()) this.setStatus({ ...this.st, stage, progress: fraction ?? null });
        },
      });
    } catch (err) {
      await Promise.resolve(instance.unload()).catch(() => {});
      if (!current()) return;
      this.consecutiveFailures = 0;
      this.retryAt = 0;
      this.setStatus({ ...this.st, state: 'error', stage: null, progress: null, error: errorInfo(err, 'load', 1) });
      this.log(`could not load ${def.id}: ${(err as Error).message}`);
      return;
    }
    if (!current()) {
      await Promise.resolve(instance.unload()).catch(() => {});
      return;
    }
    this.active = { def, instance };
    this.generation++;
    this.retryAt = 0;
    // After a reload forced by failing renders the error stays visible until a render succeeds.
    const carried = this.reloadingAfterFailure ? this.lastRenderError : null;
    this.reloadingAfterFailure = false;
    if (!carried) this.consecutiveFailures = 0;
    const state = carried ? 'error' : 'ready';
    this.setStatus({ ...this.st, state, stage: null, progress: 1, error: carried, loadedAt: new Date().toISOString() });
    this.log(`loaded ${def.id} in ${Math.round(performance.now() - started)} ms`);
  }

  private failed(err: unknown, during: 'render'): void {
    this.consecutiveFailures++;
    this.renderFailures++;
    const n = this.consecutiveFailures;
    this.retryAt = this.clock.now() + BACKOFF_MS[Math.min(n - 1, BACKOFF_MS.length - 1)]!;
    this.setStatus({ ...this.st, state: 'error', error: errorInfo(err, during, n) });
    if (n === 1 || n % 10 === 0) this.log(`render failed (${n}x): ${(err as Error).message}`);
    this.lastRenderError = this.st.error;
    const limit = this.o.reloadAfterFailures ?? 3;
    if (this.active && n % limit === 0) {
      this.log(`reloading ${this.active.def.id} after ${n} failed renders`);
      this.reloadingAfterFailure = true;
      void this.startLoad(this.active.def);
    }
  }

  private scheduleReload(): void {
    this.cancelReload?.();
    this.cancelReload = this.clock.after(this.o.reloadDebounceMs ?? 150, () => {
      const def = this.active?.def;
      if (def) void this.startLoad(def);
    });
  }

  private async dropActive(): Promise<void> {
    const old = this.active;
    this.active = undefined;
    if (!old) return;
    try {
      await old.instance.unload();
    } catch (err) {
      this.log(`unloading ${old.def.id} failed: ${(err as Error).message}`);
    }
  }

  private setStatus(s: PipelineStatus): void {
    this.st = s;
    const snapshot = this.status();
    for (const l of this.listeners) {
      try {
        l(snapshot);
      } catch {
        // listeners are transports; one failing must not break loading
      }
    }
  }

  private blankStatus(): PipelineStatus {
    return {
      state: 'idle',
      pipelineId: null,
      stage: null,
      progress: null,
      error: null,
      retryInMs: null,
      loadedAt: null,
      executionProvider: this.o.runtime.executionProvider,
      executionProviderReason: this.o.runtime.providerStatus()?.reason ?? null,
    };
  }
}

function errorInfo(err: unknown, during: 'load' | 'render', consecutive: number): PipelineStatus['error'] {
  const message = err instanceof Error ? err.message : String(err);
  return { message, during, at: new Date().toISOString(), consecutive };
}

/** The values as a pipeline's snapshot: width and height are the host's own parameters, always defined. */
function sized(values: ParamValues<ParamSpecs>): ParamSnapshot {
  const { width, height } = values;
  if (typeof width !== 'number' || typeof height !== 'number') throw new Error('the output size is not defined');
  return { ...values, width, height };
}

function checkImage(image: Image, width: number, height: number): void {
  if (!image || !(image.data instanceof Uint8Array)) throw new Error('pipeline returned no image');
  if (image.width !== width || image.height !== height || image.data.length !== width * height * 4) {
    throw new Error(
      `pipeline returned ${image?.width}x${image?.height} (${image?.data?.length} bytes), expected ${width}x${height} RGBA`,
    );
  }
}
