/**
 * What a load request goes through before anything changes: the pipeline must be known, fit the memory budget and
 * pass its preflight (preflight.ts); a newer request overtakes it; a show's gate may take it over. Only then are its
 * values defined and the load started, with the preflight's notes (nodes that will run on the CPU provider) logged
 * and handed to the load, whose status shows them.
 */
import { keyOf, loadTimeValues } from './loaded-pipeline';
import type { LoadedPipeline } from './loaded-pipeline';
import type { PipelineHostOptions, PipelineStatus } from './host-types';
import type { LoadOptions } from './pipeline-loader';
import type { PipelineDefinition } from './pipeline';
import { preflight, refusalError } from './preflight';
import type { PreflightRefusal } from './preflight';
import type { LoadReason } from './watchdog';
import type { ParamSpecs } from '../params/spec';
import { ScopeError, errorText } from '../kernel/errors';

export class UnknownPipelineError extends Error {}

/**
 * Sees every load of a known pipeline before it starts and may take it over: it returns the promise of the load
 * it arranged (resolving when that load ended here), or undefined to let the load start now.
 */
export type LoadGate = (id: string, values: Record<string, unknown>) => Promise<void> | undefined;

/** How a load is asked for: `fadeMs` crossfades from a warm pipeline; `ungated` passes by the gate (a show applying its own change). */
export type RequestOptions = { fadeMs?: number; ungated?: boolean };

export interface LoadRequestsDeps {
  options: PipelineHostOptions;
  log: (message: string) => void;
  specsOf: (def: PipelineDefinition) => ParamSpecs;
  loaded: () => { active: LoadedPipeline | undefined; warm: readonly LoadedPipeline[] };
  /** The pipeline the watchdog is on (loading, failed), when there is one. */
  watchedId: () => string | null;
  status: () => PipelineStatus;
  /** A new load starts: the last one's failure is forgotten. */
  starting: () => void;
  start: (def: PipelineDefinition, why: LoadReason, detail: string, options: LoadOptions) => Promise<void>;
}

export class LoadRequests {
  /** The gate that may take loads over (a show loads on every node at once). */
  gate: LoadGate | undefined;
  /** Counts requests, so a preflight overtaken by a newer request does not start its load after it. */
  private count = 0;

  constructor(private readonly o: LoadRequestsDeps) {}

  /** The preflight, then the start of the load; see PipelineHost.request. */
  async request(
    id: string,
    values: Record<string, unknown>,
    options: RequestOptions,
  ): Promise<{ done: Promise<void>; started: PipelineStatus }> {
    const ticket = ++this.count;
    const { def, keep, same, evict } = this.check(id, values);
    const notes: string[] = [];
    const refusal = await this.preflight(def, values, keep, true, (n) => notes.push(n));
    if (refusal) {
      this.o.log(`loading ${id} refused (${refusal.check}), nothing changed: ${refusal.message}`);
      throw refusalError(refusal);
    }
    if (ticket !== this.count) {
      throw new ScopeError('load_superseded', `loading "${id}" was superseded by another load`);
    }
    // After the preflight: a show hands on only loads this node can make (each node runs its own preflight too).
    const gated = options.ungated ? undefined : this.gate?.(id, values);
    if (gated) return { done: gated, started: this.o.status() };
    const { params } = this.o.options;
    const active = this.o.loaded().active;
    if (active) active.lastValues = params.current();
    params.define(this.o.specsOf(def), { ...keep, ...values }, id);
    const why = same ? 'param' : 'switch';
    this.o.starting();
    for (const n of notes) this.o.log(`loading ${id}: ${n}`);
    const detail = same ? `reloading ${id}` : `loading ${id}`;
    const done = this.o.start(def, why, detail, { fadeMs: options.fadeMs, evict, notes });
    return { done, started: this.o.status() };
  }

  /** The refusal `id` would meet with its default (or last) values, without hashing files; undefined when none. */
  async canLoad(id: string): Promise<PreflightRefusal | undefined> {
    try {
      const { def, keep } = this.check(id);
      return await this.preflight(def, {}, keep, false);
    } catch (err) {
      return { pipelineId: id, check: 'memory budget', message: errorText(err), fix: null };
    }
  }

  /** Throws (changing nothing) when `id` is unknown or would not fit the memory budget; see PipelineHost.checkLoad. */
  check(id: string, values: Record<string, unknown> = {}) {
    const { registry, params, admit } = this.o.options;
    const def = registry.get(id);
    if (!def) throw new UnknownPipelineError(`unknown pipeline "${id}"; known: ${registry.ids().join(', ')}`);
    const specs = this.o.specsOf(def);
    const { active, warm } = this.o.loaded();
    const same = active?.id === id || this.o.watchedId() === id;
    // Switching back to a warm pipeline brings its values back; reloading the same one keeps the current ones.
    const keep: Record<string, unknown> = same ? params.current() : (warm.find((p) => p.id === id)?.lastValues ?? {});
    const key = keyOf(loadTimeValues(specs, { ...defaultsOf(specs), ...keep, ...values }));
    const evict = admit?.({ id, key, active, warm }) ?? 0;
    return { def, keep, same, evict };
  }

  private preflight(
    def: PipelineDefinition,
    values: Record<string, unknown>,
    keep: Record<string, unknown>,
    hash: boolean,
    note?: (sentence: string) => void,
  ) {
    const specs = this.o.specsOf(def);
    const ctx = { executionProvider: this.o.options.runtime.executionProvider };
    const base = { ...defaultsOf(specs), ...keep };
    return preflight({ def, specs, values, base, ctx, hash, note }, this.o.options.preflightChecks);
  }
}

/** Default values of specs, so load-time values can be known before the store takes them. */
function defaultsOf(specs: ParamSpecs): Record<string, unknown> {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default]));
}
