import { sanitize } from './spec';
import { clip } from '../shared/clip';
import type { ParamSpec, ParamSpecs, ParamValue, ParamValues } from './spec';

/** Who changed a value; feedback to a surface skips changes that came from that same surface. */
export type ParamSource = 'http' | 'ws' | 'osc' | 'midi' | 'panel' | 'preset' | 'cli' | 'engine' | (string & {});

/** One value changed. */
export interface ParamChange {
  kind: 'value';
  path: string;
  value: ParamValue;
  previous: ParamValue;
  source: ParamSource;
  mode: ParamSpec['mode'];
}

/** `scheduled`: the beat a quantised change will land on (nothing changed yet). */
export type SetResult =
  { ok: true; value: ParamValue; changed: boolean; scheduled?: number } | { ok: false; reason: string };
/** A refused patch names the first few problems and counts the rest (`more`). */
export type SetManyResult =
  | { ok: true; values: Record<string, ParamValue>; scheduled?: number }
  | { ok: false; errors: Record<string, string>; more: number };

/** How many rejected entries a refused patch names; the rest are counted, so a refusal costs little to make. */
export const NAMED_REJECTIONS = 10;

/** How a write wants to land: `quantize` (`off`, `beat`, `bar`, `4bars`…) overrides the surface's setting. */
export interface SetOptions {
  quantize?: string;
}

/**
 * Sees every accepted write before it is applied and may take it over (a quantised change waits for its beat):
 * it returns the beat it will land on, or undefined to let the write apply now.
 */
export type ChangeGate = (
  values: Record<string, ParamValue>,
  source: ParamSource,
  options: SetOptions,
) => number | undefined;

/** Sees a write due now and may take it over (to apply it on every node of a show): true if it did. */
export type ShowGate = (values: Record<string, ParamValue>, source: ParamSource, options: SetOptions) => boolean;

/**
 * The whole parameter set was replaced (a pipeline was loaded): every surface shows `values` afresh. Sent once
 * per define(), never as a string of single changes.
 */
export interface ParamsReplaced {
  kind: 'replaced';
  /** Whose parameters these are (the pipeline id), or null. */
  owner: string | null;
  values: Record<string, ParamValue>;
  source: ParamSource;
}

export type ParamEvent = ParamChange | ParamsReplaced;

type Listener = (event: ParamEvent) => void;

/**
 * The one store every input goes through. It holds the active pipeline's specs and values, sanitizes every
 * write, and hands the engine one smoothed snapshot per frame.
 */
export class ParamStore {
  private specs: ParamSpecs = {};
  private values = new Map<string, ParamValue>();
  /** Smoothed values of number params, advanced at each snapshot. */
  private smoothed = new Map<string, number>();
  private firedTriggers = new Set<string>();
  private listeners = new Set<Listener>();
  /** Parameters of no pipeline (a crossfader, modulator depths): they survive define(). */
  private globals: ParamSpecs = {};
  private tempoGate: ChangeGate | undefined;
  private showGate: ShowGate | undefined;
  rejected = 0;
  lastRejection: { path: string; reason: string; source: ParamSource } | undefined;

  /** Whose parameter set this is (the pipeline id given to define), or null. */
  owner: string | null = null;

  /**
   * Replaces the parameter set (a pipeline is being loaded); `keep` values survive where still valid, and global
   * parameters keep theirs. Listeners hear one `replaced` event with every value.
   */
  define(
    specs: ParamSpecs,
    keep: Record<string, unknown> = {},
    owner: string | null = null,
    source: ParamSource = 'engine',
  ): void {
    const globals = [...this.values].filter(
      ([path]) => Object.hasOwn(this.globals, path) && !Object.hasOwn(specs, path),
    );
    // The pipeline's own parameters first (a name both have is the pipeline's), then the perform controls.
    const globalSpecs = Object.entries(this.globals).filter(([path]) => !Object.hasOwn(specs, path));
    this.specs = { ...specs, ...Object.fromEntries(globalSpecs) };
    this.owner = owner;
    this.values = new Map();
    this.smoothed.clear();
    this.firedTriggers.clear();
    for (const [path, spec] of Object.entries(specs)) {
      const kept = Object.hasOwn(keep, path) ? sanitize(spec, keep[path]) : undefined;
      this.values.set(path, kept?.ok && spec.kind !== 'trigger' ? kept.value : spec.default);
    }
    // Values in the same order as the specs: the pipeline's, then the perform controls, which keep theirs.
    for (const [path, value] of globals) this.values.set(path, value);
    this.emit({ kind: 'replaced', owner, values: this.current(), source });
  }

  /** Adds (or replaces) parameters that belong to no pipeline; they keep their values across define(). */
  defineGlobal(specs: ParamSpecs): void {
    this.globals = { ...this.globals, ...specs };
    this.specs = { ...this.specs, ...specs };
    for (const [path, spec] of Object.entries(specs)) if (!this.values.has(path)) this.values.set(path, spec.default);
  }

  /** Removes global parameters (a modulator was deleted). */
  removeGlobal(paths: string[]): void {
    const specs = { ...this.specs };
    for (const path of paths) {
      if (!Object.hasOwn(this.globals, path)) continue;
      delete this.globals[path];
      delete specs[path];
      this.values.delete(path);
      this.smoothed.delete(path);
    }
    this.specs = specs;
  }

  /** Whether `path` is a global parameter (not the pipeline's). */
  isGlobal(path: string): boolean {
    return Object.hasOwn(this.globals, path);
  }

  /** Installs the gate that may defer writes (quantised changes); undefined removes it. */
  setGate(gate: ChangeGate | undefined): void {
    this.tempoGate = gate;
  }

  /**
   * Installs the show's gate (several nodes on one show: every node applies a write on the same frame); it sees a
   * write once the quantising gate let it through (on its beat) and returns true when it took it over.
   */
  setShowGate(gate: ShowGate | undefined): void {
    this.showGate = gate;
  }

  /** Specs of the active parameter set. */
  all(): Readonly<ParamSpecs> {
    return this.specs;
  }

  spec(path: string): ParamSpec | undefined {
    return Object.hasOwn(this.specs, path) ? this.specs[path] : undefined;
  }

  get(path: string): ParamValue | undefined {
    return this.values.get(path);
  }

  /** Current (unsmoothed) values of every parameter. */
  current(): Record<string, ParamValue> {
    return Object.fromEntries(this.values);
  }

  /** Sanitizes and applies one value; an invalid value is rejected with a reason and changes nothing. */
  set(path: string, value: unknown, source: ParamSource, options: SetOptions = {}): SetResult {
    const checked = this.check(path, value);
    if (!checked.ok) {
      this.reject(path, checked.reason, source);
      return checked;
    }
    const scheduled = this.tempoGate?.({ [path]: checked.value }, source, options);
    if (scheduled !== undefined) return { ok: true, value: checked.value, changed: false, scheduled };
    if (this.showGate?.({ [path]: checked.value }, source, options)) {
      return { ok: true, value: checked.value, changed: false };
    }
    return { ok: true, value: checked.value, changed: this.apply(path, checked.value, source) };
  }

  /** Applies several values at once, all or nothing: one invalid entry rejects the whole patch. */
  setMany(patch: Record<string, unknown>, source: ParamSource, options: SetOptions = {}): SetManyResult {
    // Maps, not object literals: a key like "__proto__" from JSON must stay a plain key.
    const errors = new Map<string, string>();
    const accepted = new Map<string, ParamValue>();
    // Past the few that are named, a rejection is only counted: 95,000 unknown keys make no 95,000 sentences.
    let more = 0;
    // for...in, not Object.entries: 95,000 keys then make no 95,000 [key, value] arrays. A JSON object has only
    // own keys, and an own "__proto__" is read as itself.
    for (const path in patch) {
      if (!Object.hasOwn(patch, path)) continue;
      const value = patch[path];
      if (errors.size >= NAMED_REJECTIONS) {
        const spec = this.spec(path);
        if (!spec || value === undefined || !sanitize(spec, value).ok) more++;
        continue;
      }
      const checked = this.check(path, value);
      if (checked.ok) accepted.set(path, checked.value);
      else errors.set(path, checked.reason);
    }
    if (errors.size > 0) {
      const [path, reason] = [...errors].at(-1)!;
      this.reject(path, reason, source, errors.size + more);
      return { ok: false, errors: Object.fromEntries(errors), more };
    }
    const values = Object.fromEntries(accepted);
    const scheduled = accepted.size > 0 ? this.tempoGate?.(values, source, options) : undefined;
    if (scheduled !== undefined) return { ok: true, values, scheduled };
    if (accepted.size > 0 && this.showGate?.(values, source, options)) return { ok: true, values };
    for (const [path, value] of accepted) this.apply(path, value, source);
    return { ok: true, values };
  }

  /** Resets one parameter to its default. */
  reset(path: string, source: ParamSource): SetResult {
    const spec = this.spec(path);
    if (!spec) return this.set(path, undefined, source);
    return this.set(path, spec.default, source);
  }

  /** Listens to every accepted change and every replacement of the set; returns the unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The values for one frame: smoothing advanced by `dt` seconds, each fired trigger true exactly once.
   * Called by the engine at each frame boundary.
   */
  snapshot(dt: number): ParamValues<ParamSpecs> {
    const out: Record<string, ParamValue> = {};
    for (const [path, spec] of Object.entries(this.specs)) {
      const target = this.values.get(path)!;
      if (spec.kind === 'number' && spec.smoothing > 0 && typeof target === 'number') {
        const prev = this.smoothed.get(path) ?? target;
        // Exponential approach: framerate-independent, reaches ~63% of a step in `smoothing` seconds.
        const k = 1 - Math.exp(-Math.max(0, dt) / spec.smoothing);
        let next = prev + (target - prev) * k;
        if (Math.abs(target - next) <= Math.abs(spec.max - spec.min) * 1e-6) next = target;
        this.smoothed.set(path, next);
        out[path] = next;
      } else if (spec.kind === 'trigger') {
        out[path] = this.firedTriggers.has(path);
      } else {
        out[path] = target;
      }
    }
    this.firedTriggers.clear();
    return out;
  }

  private check(path: string, value: unknown): { ok: true; value: ParamValue } | { ok: false; reason: string } {
    const spec = this.spec(path);
    if (!spec) return { ok: false, reason: `unknown parameter "${clip(path, 64)}"` };
    if (value === undefined) return { ok: false, reason: `no value given for "${path}"` };
    return sanitize(spec, value);
  }

  private apply(path: string, value: ParamValue, source: ParamSource): boolean {
    const spec = this.specs[path]!;
    if (spec.kind === 'trigger') {
      if (value !== true) return false;
      this.firedTriggers.add(path);
      this.emit({ kind: 'value', path, value: true, previous: false, source, mode: spec.mode });
      return true;
    }
    const previous = this.values.get(path)!;
    if (previous === value) return false;
    this.values.set(path, value);
    this.emit({ kind: 'value', path, value, previous, source, mode: spec.mode });
    return true;
  }

  private emit(change: ParamEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A broken listener (a dead socket's feedback, say) must not stop the others or the caller.
      }
    }
  }

  private reject(path: string, reason: string, source: ParamSource, count = 1): void {
    this.rejected += count;
    this.lastRejection = { path, reason, source };
  }
}
