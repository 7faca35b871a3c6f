import { ScopeError } from '../src/kernel/errors';
import { realTimers } from '../src/kernel/timers';
import { sampleImage } from '../src/media/sample';
import { scaleImage } from '../src/media/scale';
import type { Image } from '../src/engine/frame';
import type { InputProvider } from '../src/engine/pipeline';
import type { Fit } from '../src/media/scale';
import type { RawPicture } from '../src/media/sample';
import type { Timers } from '../src/kernel/timers';
import type { InputInfo, InputSource, InputState, SourceContext, SourceFrame } from './source';

export interface InputHubOptions {
  log: (message: string) => void;
  /** Told `('inputs', list)` when a source's state, size or rate changes, `('input', selection)` on a new choice. */
  events?: { emit(topic: string, data: unknown): void };
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

interface Held {
  frame: SourceFrame;
  at: number;
  seq: number;
}

interface Entry {
  source: InputSource;
  removable: boolean;
  state: InputState;
  reason?: string;
  /** Bumped at each start and stop: calls from an older run's context are ignored. */
  run: number;
  latest?: Held;
  /** The newest frame that could be read: it stays on when a newer one cannot be. */
  good?: Held;
  /** The newest frame as RGBA, converted once. */
  rgba?: { seq: number; image: Image };
  scaled?: { seq: number; key: string; image: Image };
  preview?: { seq: number; image: Image };
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
  private seq = 0;
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
    this.stopTimer ??= this.every(CHECK_EVERY_MS, () => this.check());
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
    if (!e) return undefined;
    const key = `${width}x${height}:${this.fitMode}`;
    if (e.scaled?.seq === e.latest?.seq && e.scaled?.key === key) return e.scaled.image;
    const made = this.picture(e, width, height, this.fitMode);
    if (made) e.scaled = { ...made, key };
    return made?.image;
  }

  /** A small picture of a source's newest frame, or undefined before its first. */
  preview(id: string): Image | undefined {
    const e = this.require(id);
    const held = e.latest;
    if (!held) return undefined;
    if (e.preview?.seq === held.seq) return e.preview.image;
    const width = Math.min(this.o.previewWidth, held.frame.width);
    const height = Math.max(1, Math.round((width * held.frame.height) / held.frame.width));
    const made = this.picture(e, width, height, 'stretch');
    if (made) e.preview = made;
    return made?.image;
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
      width: e.latest?.frame.width ?? 0,
      height: e.latest?.frame.height ?? 0,
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
      if (e.state === 'live' && e.latest && now - e.latest.at > this.o.staleMs) {
        this.setState(e, 'lost', `no frame for ${((now - e.latest.at) / 1000).toFixed(1)} s; holding the last one`);
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

  /** Runs `fn` every `ms` on the timers until the returned function is called. */
  private every(ms: number, fn: () => void): () => void {
    let cancel = () => {};
    const tick = () => {
      fn();
      cancel = this.o.timers.after(ms, tick);
    };
    cancel = this.o.timers.after(ms, tick);
    return () => cancel();
  }

  /**
   * The entry's newest frame at width x height: sampled straight from its received layout when it has one and
   * must be scaled (no full-size conversion), else converted to RGBA once and scaled. A frame that cannot be read
   * is dropped and the one before it stays on. `seq` says which frame it is.
   */
  private picture(e: Entry, width: number, height: number, fit: Fit): { seq: number; image: Image } | undefined {
    const held = e.latest;
    if (!held) return undefined;
    const image = this.make(e, held, width, height, fit);
    if (image) {
      e.good = held;
      return { seq: held.seq, image };
    }
    const good = (e.latest = e.good);
    const again = good && this.make(e, good, width, height, fit);
    return good && again ? { seq: good.seq, image: again } : undefined;
  }

  private make(e: Entry, held: Held, width: number, height: number, fit: Fit): Image | undefined {
    const raw = held.frame.raw;
    if (raw && (raw.width !== width || raw.height !== height) && rawFits(raw)) {
      return sampleImage(raw, width, height, fit);
    }
    if (e.rgba?.seq !== held.seq) {
      try {
        const data = held.frame.rgba();
        const { width: w, height: h } = held.frame;
        if (data.length !== w * h * 4) throw new Error(`${data.length} bytes for ${w}x${h} RGBA`);
        e.rgba = { seq: held.seq, image: { data, width: w, height: h } };
      } catch (err) {
        this.o.log(`Input ${e.source.name}: a frame could not be read (${(err as Error).message}).`);
        return undefined;
      }
    }
    const rgba = e.rgba.image;
    return rgba.width === width && rgba.height === height ? rgba : scaleImage(rgba, width, height, fit);
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
      waiting: (reason) => current() && !e.latest && this.setState(e, 'waiting', reason),
      log: this.o.log,
      changed: () => current() && this.changed(),
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
    const sizeChanged = e.latest?.frame.width !== width || e.latest?.frame.height !== height;
    e.latest = { frame, at: now, seq: ++this.seq };
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

/** Whether a received picture's buffer holds all its bytes (a short one goes the checked RGBA way and is dropped). */
function rawFits(p: RawPicture): boolean {
  const { width: w, height: h } = p;
  const needed =
    p.layout === 'i420'
      ? w * h + 2 * ((w + 1) >> 1) * ((h + 1) >> 1)
      : (p.stride ?? w * (p.layout === 'uyvy' ? 2 : 4)) * (h - 1) + w * (p.layout === 'uyvy' ? 2 : 4);
  return p.data.length >= needed;
}
