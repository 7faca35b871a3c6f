import { ScopeError } from '../src/kernel/errors';
import { every, realTimers } from '../src/kernel/timers';
import { HeldFrame } from './held-frame';
import type { Image } from '../src/engine/frame';
import type { InputProvider } from '../src/engine/pipeline';
import type { Fit } from '../src/media/scale';
import type { Timers } from '../src/kernel/timers';
import type { EventSink } from '../src/kernel/events';
import type { InputInfo, InputSource, InputState, SourceContext, SourceFrame } from './source';

export interface InputHubOptions {
  log: (message: string) => void;
  /** Told `('inputs', list)` when a source's state, size or rate changes, `('input', selection)` on a new choice. */
  events?: EventSink;
  /** Time for staleness, rates and restarts; tests pass ManualTimers and advance them. */
  timers: Timers;
  /** A live source without a frame for this long is reported lost (its last frame is held). */
  staleMs: number;
  /** Waits before a lost or failed source is started again, growing with each failure in a row. */
  backoffMs: number[];
  /** Width of previews (GET /api/v1/inputs/:id/preview.jpg). */
  previewWidth: number;
  /** Sources bigger than this (pixels) are refused frame by frame, with a reason. */
  maxPixels: number;
}

const defaults: InputHubOptions = {
  log: () => {},
  timers: realTimers,
  staleMs: 2000,
  backoffMs: [1000, 2000, 5000, 10_000],
  previewWidth: 192,
  maxPixels: 7680 * 4320,
};

const CHECK_EVERY_MS = 250;

interface Entry {
  source: InputSource;
  removable: boolean;
  state: InputState;
  reason?: string;
  /** Bumped at each start and stop: calls from an older run's context are ignored. */
  run: number;
  held: HeldFrame;
  frames: number;
  arrivals: number[];
  retryAt?: number;
  attempts: number;
  listedFps: number;
}

/**
 * The inputs: every source keeps only its newest frame; one of them is active and the engine reads it through
 * frame(), converted to RGBA and scaled to the pipeline's size once per new frame. A source that stops holds its
 * last frame and says why, and is started again with a backoff until frames come back. Nothing a source does
 * runs inside the engine's frame, and a failing source never reaches the loop.
 */
export class InputHub implements InputProvider {
  private readonly o: InputHubOptions;
  private readonly entries = new Map<string, Entry>();
  private activeId: string | null = null;
  private fitMode: Fit = 'cover';
  private started = false;
  private stopTimer: (() => void) | undefined;
  private lastRateEvent = -Infinity;

  constructor(options: Partial<InputHubOptions> = {}) {
    this.o = { ...defaults, ...options } satisfies InputHubOptions;
  }

  /** Registers a source (started at once when the hub runs); `removable` ones can be deleted over the API. */
  async add(source: InputSource, removable = false): Promise<void> {
    if (this.entries.has(source.id)) throw new ScopeError('conflict', `an input "${source.id}" already exists`);
    const availability = source.availability();
    const e: Entry = {
      source,
      removable,
      state: availability.available ? 'off' : 'unavailable',
      reason: availability.available ? undefined : availability.reason,
      run: 0,
      held: new HeldFrame((m) => this.o.log(`Input ${source.name}: ${m}.`)),
      frames: 0,
      arrivals: [],
      attempts: 0,
      listedFps: 0,
    };
    this.entries.set(source.id, e);
    this.changed();
    if (this.started) await this.startEntry(e);
  }

  /** Stops and forgets a source; the engine goes without input if it was the active one. */
  async remove(id: string): Promise<void> {
    const e = this.require(id);
    this.entries.delete(id);
    if (this.activeId === id) this.select(null);
    await this.stopEntry(e);
    this.changed();
  }

  get(id: string): InputSource | undefined {
    return this.entries.get(id)?.source;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Starts every available source and the housekeeping (stale frames, restarts). */
  async start(): Promise<void> {
    this.started = true;
    this.stopTimer ??= every(this.o.timers, CHECK_EVERY_MS, () => this.check());
    await Promise.all([...this.entries.values()].map((e) => this.startEntry(e)));
  }

  async stop(): Promise<void> {
    this.started = false;
    this.stopTimer?.();
    this.stopTimer = undefined;
    await Promise.all([...this.entries.values()].map((e) => this.stopEntry(e)));
  }

  /** Chooses the engine's input (null: none); the choice stays while its source comes and goes. */
  select(id: string | null): void {
    if (id !== null) {
      const e = this.require(id);
      if (e.state === 'unavailable') throw new ScopeError('unavailable', `input ${id} is unavailable: ${e.reason}`);
    }
    if (this.activeId === id) return;
    this.activeId = id;
    this.o.log(id === null ? 'Input: none.' : `Input: ${this.entries.get(id)!.source.name} (${id}).`);
    this.o.events?.emit('input', this.selection());
    this.changed();
  }

  setFit(fit: Fit): void {
    if (fit === this.fitMode) return;
    this.fitMode = fit;
    this.o.events?.emit('input', this.selection());
  }

  selection(): { source: string | null; fit: Fit } {
    return { source: this.activeId, fit: this.fitMode };
  }

  /** The active input's newest frame at width x height (held when its source is lost); undefined without one. */
  frame(width: number, height: number): Image | undefined {
    const e = this.activeId === null ? undefined : this.entries.get(this.activeId);
    return e?.held.sizedTo(width, height, this.fitMode);
  }

  /** A small picture of a source's newest frame, or undefined before its first. */
  preview(id: string): Image | undefined {
    return this.require(id).held.preview(this.o.previewWidth);
  }

  /** Applies an options patch that the source's schema already accepted (see parseOptions). */
  async setOptions(id: string, patch: Record<string, unknown>): Promise<void> {
    await this.require(id).source.setOptions(patch);
    this.changed();
  }

  parseOptions(id: string, patch: unknown) {
    return this.require(id).source.optionsSchema.safeParse(patch);
  }

  /** Stops and starts a source (a file plays from the start again, a stuck receiver reconnects). */
  async restart(id: string): Promise<void> {
    const e = this.require(id);
    if (e.state === 'unavailable') throw new ScopeError('unavailable', `input ${id} is unavailable: ${e.reason}`);
    await this.stopEntry(e);
    if (this.started) await this.startEntry(e);
  }

  list(): InputInfo[] {
    return [...this.entries.values()].map((e) => this.info(e));
  }

  info(e: Entry | string): InputInfo {
    if (typeof e === 'string') e = this.require(e);
    const now = this.o.timers.now();
    const info: InputInfo = {
      id: e.source.id,
      kind: e.source.kind,
      name: e.source.name,
      available: e.state !== 'unavailable',
      state: e.state,
      active: this.activeId === e.source.id,
      width: e.held.newest?.width ?? 0,
      height: e.held.newest?.height ?? 0,
      fps: e.arrivals.filter((t) => now - t <= 1000).length,
      frames: e.frames,
      removable: e.removable,
      options: e.source.options(),
    };
    if (e.reason) info.reason = e.reason;
    const detail = e.source.detail?.();
    if (detail) info.detail = detail;
    return info;
  }

  /** Housekeeping, every 250 ms: stale sources are reported lost, due restarts run, rate changes are told. */
  check(): void {
    const now = this.o.timers.now();
    let rates = false;
    for (const e of this.entries.values()) {
      const at = e.held.newest?.at;
      if (e.state === 'live' && at !== undefined && now - at > this.o.staleMs) {
        this.setState(e, 'lost', `no frame for ${((now - at) / 1000).toFixed(1)} s; holding the last one`);
      }
      if (e.retryAt !== undefined && now >= e.retryAt && this.started) {
        e.retryAt = undefined;
        void this.stopEntry(e, true).then(() => this.startEntry(e));
      }
      const fps = e.arrivals.filter((t) => now - t <= 1000).length;
      if (Math.abs(fps - e.listedFps) >= 1) rates = true;
    }
    if (rates && now - this.lastRateEvent >= 1000) this.changed();
  }

  private async startEntry(e: Entry): Promise<void> {
    if (e.state === 'unavailable' || !this.entries.has(e.source.id)) return;
    const run = ++e.run;
    if (e.state === 'off') this.setState(e, 'waiting');
    try {
      await e.source.start(this.context(e, run));
    } catch (err) {
      if (run !== e.run) return;
      this.setState(e, 'error', `could not start: ${(err as Error).message}`);
      this.o.log(`Input ${e.source.name} ${e.reason}`);
      this.scheduleRetry(e);
    }
  }

  private async stopEntry(e: Entry, keepState = false): Promise<void> {
    if (e.state === 'unavailable') return;
    e.run++;
    if (!keepState) {
      e.retryAt = undefined;
      this.setState(e, 'off');
    }
    try {
      await e.source.stop();
    } catch (err) {
      this.o.log(`Input ${e.source.name} did not stop cleanly: ${(err as Error).message}`);
    }
  }

  private context(e: Entry, run: number): SourceContext {
    const current = () => run === e.run && this.entries.get(e.source.id) === e;
    return {
      frame: (frame) => current() && this.received(e, frame),
      lost: (reason, retry = true) => {
        if (!current()) return;
        this.setState(e, 'lost', reason);
        this.o.log(`Input ${e.source.name} lost: ${reason}`);
        if (retry) this.scheduleRetry(e);
      },
      // A source holding a last frame stays `lost` (with its reason) until frames come back.
      waiting: (reason) => current() && !e.held.newest && this.setState(e, 'waiting', reason),
      log: this.o.log,
      changed: () => current() && this.changed(),
      timers: this.o.timers,
    };
  }

  private received(e: Entry, frame: SourceFrame): void {
    const { width, height } = frame;
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) return;
    if (width * height > this.o.maxPixels) {
      this.setState(e, e.state, `frames of ${width}x${height} are over the ${this.o.maxPixels} pixels taken`);
      return;
    }
    const now = this.o.timers.now();
    const before = e.held.newest;
    const sizeChanged = before?.width !== width || before?.height !== height;
    e.held.put(frame, now);
    e.frames++;
    e.arrivals.push(now);
    if (e.arrivals.length > 240) e.arrivals.splice(0, e.arrivals.length - 240);
    e.attempts = 0;
    e.retryAt = undefined;
    if (e.state !== 'live') this.setState(e, 'live');
    else if (sizeChanged) this.changed();
  }

  private scheduleRetry(e: Entry): void {
    const delay = this.o.backoffMs[Math.min(e.attempts, this.o.backoffMs.length - 1)]!;
    e.attempts++;
    e.retryAt = this.o.timers.now() + delay;
  }

  private setState(e: Entry, state: InputState, reason?: string): void {
    if (e.state === state && e.reason === reason) return;
    e.state = state;
    e.reason = reason;
    this.changed();
  }

  private changed(): void {
    if (!this.o.events) return;
    this.lastRateEvent = this.o.timers.now();
    const list = this.list();
    for (const info of list) {
      const e = this.entries.get(info.id);
      if (e) e.listedFps = info.fps;
    }
    this.o.events.emit('inputs', list);
  }

  private require(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new ScopeError('not_found', `no input "${id}"; known: ${[...this.entries.keys()].join(', ')}`);
    return e;
  }
}
