import { performance } from 'node:perf_hooks';
import { ConversionCache } from './convert';
import { ScopeError } from '../src/kernel/errors';
import type { Converter } from './convert';
import type { Frame } from '../src/engine/frame';
import type { Output, OutputContext, OutputFrame, OutputInfo, OutputSource, OutputState, PixelFormat } from './output';
import type { EventSink } from '../src/kernel/events';

export interface OutputHubOptions {
  log: (message: string) => void;
  /** Told `('outputs', list)` whenever an output's state, clients or options change. */
  events?: EventSink;
  /** The engine's target frame rate (NDI announces it). */
  fps: () => number;
  /** An output busy with one frame for longer than this is reported as stalled. */
  stallMs: number;
  converters?: Record<Exclude<PixelFormat, 'rgba'>, Converter>;
}

const defaults: OutputHubOptions = { log: () => {}, fps: () => 30, stallMs: 2000 };

interface Entry {
  output: Output;
  source: OutputSource;
  enabled: boolean;
  state: OutputState;
  /** Started and not stopped since: it receives frames (its state is 'running', or 'error' while failing). */
  live: boolean;
  reason?: string;
  busySince?: number;
  /** The newest frame that arrived while busy; it replaces older ones (latest frame wins). */
  pending?: OutputFrame;
  offered: number;
  delivered: number;
  errors: number;
  failStreak: number;
  sentAt: number[];
  /** Bumped on stop, so a late-settling accept of an old run does not touch the new one. */
  run: number;
}

/**
 * Hands the newest frame to every enabled output, each at its own pace: an output busy with a frame gets only
 * the newest one when it is done, the frames in between are dropped for it alone and counted. Nothing an output
 * does runs inside the engine's frame listener, and no output's failure reaches the loop or the others.
 */
export class OutputHub {
  private readonly o: OutputHubOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly cache: ConversionCache;
  /** The newest frame of each source, and the sources whose delivery is already queued. */
  private readonly latest = new Map<OutputSource, OutputFrame>();
  private readonly scheduled = new Set<OutputSource>();
  private started = false;
  private detach: (() => void) | undefined;

  constructor(options: Partial<OutputHubOptions> = {}) {
    this.o = { ...defaults, ...options } satisfies OutputHubOptions;
    this.cache = new ConversionCache(this.o.converters);
  }

  /** Registers an output, enabled or not, fed from `source`; start() (or a later setEnabled) starts it. */
  add(output: Output, enabled = false, source: OutputSource = 'output'): this {
    if (this.entries.has(output.id)) throw new Error(`output "${output.id}" is already registered`);
    const availability = output.availability();
    const entry: Entry = {
      output,
      source,
      enabled,
      state: availability.available ? 'off' : 'unavailable',
      live: false,
      reason: availability.available ? undefined : availability.reason,
      offered: 0,
      delivered: 0,
      errors: 0,
      failStreak: 0,
      sentAt: [],
      run: 0,
    };
    this.entries.set(output.id, entry);
    if (!availability.available && enabled) this.o.log(`Output ${output.name} is unavailable: ${availability.reason}`);
    return this;
  }

  get(id: string): Output | undefined {
    return this.entries.get(id)?.output;
  }

  /** Starts every enabled, available output and, given a frame source (the engine), listens to it. */
  async start(source?: { onFrame(listener: (frame: Frame) => void): () => void }): Promise<void> {
    this.started = true;
    this.detach ??= source?.onFrame((frame) => this.offer(frame));
    await Promise.all([...this.entries.values()].filter((e) => e.enabled).map((e) => this.startEntry(e)));
  }

  /** Stops every output (in parallel; one that hangs on stop is the only one that waits). */
  async stop(): Promise<void> {
    this.started = false;
    this.detach?.();
    this.detach = undefined;
    await Promise.all([...this.entries.values()].map((e) => this.stopEntry(e)));
  }

  /**
   * The engine's frame listener: remembers the frame and delivers it in a microtask, right after the engine's
   * listeners return and outside their call stack (a timer or setImmediate would let a fast clock publish the
   * next frame first and skip this one for every output).
   */
  offer(frame: Frame, source: OutputSource = 'output'): void {
    this.latest.set(source, this.cache.wrap(frame));
    for (const e of this.entries.values()) if (e.live && e.source === source) e.offered++;
    if (this.scheduled.has(source)) return;
    this.scheduled.add(source);
    queueMicrotask(() => {
      this.scheduled.delete(source);
      const frame = this.latest.get(source);
      if (!frame) return;
      for (const e of this.entries.values()) if (e.source === source) this.deliver(e, frame);
    });
  }

  /** Feeds the outputs of `source` from a stream of frames other than the engine's (the conditioning picture). */
  follow(source: Exclude<OutputSource, 'output'>, frames: { onFrame(listener: (frame: Frame) => void): () => void }) {
    return frames.onFrame((frame) => this.offer(frame, source));
  }

  /** Turns an output on or off (the OSC `/scope/output/<id>/enabled` and PUT handlers call this). */
  async setEnabled(id: string, enabled: boolean): Promise<void> {
    const e = this.require(id);
    if (enabled && e.state === 'unavailable') throw new OutputUnavailableError(e.output, e.reason ?? 'unavailable');
    const retry = enabled && e.enabled && !e.live && e.state === 'error';
    if (e.enabled === enabled && !retry) return;
    e.enabled = enabled;
    if (retry) e.state = 'off';
    if (!this.started) return this.changed();
    await (enabled ? this.startEntry(e) : this.stopEntry(e));
  }

  /** Applies an options patch that the output's schema already accepted; see parseOptions(). */
  async setOptions(id: string, patch: Record<string, unknown>): Promise<void> {
    const e = this.require(id);
    await e.output.setOptions(patch);
    this.changed();
  }

  /** Validates an options patch for `id`: the parsed patch, or the zod error. */
  parseOptions(id: string, patch: unknown) {
    return this.require(id).output.optionsSchema.safeParse(patch);
  }

  list(): OutputInfo[] {
    return [...this.entries.values()].map((e) => this.info(e));
  }

  info(e: Entry | string): OutputInfo {
    if (typeof e === 'string') e = this.require(e);
    const status = e.live ? e.output.status() : { clients: 0 };
    const now = performance.now();
    const stalled = e.busySince !== undefined && now - e.busySince > this.o.stallMs;
    let state = e.state;
    let reason = e.reason;
    if (state === 'running' && (stalled || status.error)) {
      state = 'error';
      reason = stalled ? `stalled: one frame has taken ${Math.round(now - e.busySince!)} ms` : status.error;
    }
    const recent = e.sentAt.filter((t) => now - t <= 1000).length;
    const info: OutputInfo = {
      id: e.output.id,
      kind: e.output.kind,
      name: e.output.name,
      available: e.state !== 'unavailable',
      enabled: e.enabled,
      state,
      clients: status.clients,
      fps: status.fps ?? recent,
      dropped: Math.max(0, e.offered - e.delivered - (e.pending ? 1 : 0)),
      errors: e.errors,
      options: e.output.options(),
    };
    if (reason) info.reason = reason;
    if (e.source !== 'output') info.source = e.source;
    if (status.urls) info.urls = status.urls;
    if (status.link) info.link = status.link;
    return info;
  }

  private require(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new UnknownOutputError(id, [...this.entries.keys()]);
    return e;
  }

  private changed(): void {
    this.o.events?.emit('outputs', this.list());
  }

  private async startEntry(e: Entry): Promise<void> {
    if (e.state !== 'off') return;
    e.state = 'starting';
    e.reason = undefined;
    this.changed();
    const ctx: OutputContext = {
      log: this.o.log,
      changed: () => this.changed(),
      fps: this.o.fps,
    };
    try {
      await e.output.start(ctx);
      if (e.state !== 'starting') return;
      Object.assign(e, { state: 'running', live: true, offered: 0, delivered: 0, failStreak: 0 });
      this.o.log(`Output ${e.output.name} started.`);
    } catch (err) {
      // A sink that cannot start (port in use, library gone) says so and stays off; the show goes on.
      e.state = 'error';
      e.reason = `could not start: ${(err as Error).message}`;
      this.o.log(`Output ${e.output.name} ${e.reason}`);
    }
    this.changed();
  }

  private async stopEntry(e: Entry): Promise<void> {
    if (e.state === 'off' || e.state === 'unavailable') return;
    const wasLive = e.live;
    e.run++;
    e.state = 'off';
    e.live = false;
    e.pending = undefined;
    e.busySince = undefined;
    try {
      if (wasLive) await e.output.stop();
    } catch (err) {
      this.o.log(`Output ${e.output.name} did not stop cleanly: ${(err as Error).message}`);
    }
    this.changed();
  }

  private deliver(e: Entry, frame: OutputFrame): void {
    if (!e.live) return;
    if (e.busySince !== undefined) {
      e.pending = frame;
      return;
    }
    this.send(e, frame);
  }

  private send(e: Entry, frame: OutputFrame): void {
    const run = e.run;
    e.delivered++;
    let result: void | Promise<void>;
    try {
      result = e.output.accept(frame);
    } catch (err) {
      return this.failed(e, err);
    }
    if (!(result instanceof Promise)) return this.sent(e);
    e.busySince = performance.now();
    result
      .then(
        () => run === e.run && this.sent(e),
        (err: unknown) => run === e.run && this.failed(e, err),
      )
      .finally(() => {
        if (run !== e.run) return;
        e.busySince = undefined;
        const next = e.pending;
        e.pending = undefined;
        if (next && e.live) this.send(e, next);
      });
  }

  private sent(e: Entry): void {
    const now = performance.now();
    e.sentAt.push(now);
    if (e.sentAt.length > 240) e.sentAt.splice(0, e.sentAt.length - 240);
    if (e.failStreak > 0) {
      e.failStreak = 0;
      if (e.state === 'error') {
        e.state = 'running';
        e.reason = undefined;
        this.o.log(`Output ${e.output.name} recovered.`);
        this.changed();
      }
    }
  }

  private failed(e: Entry, err: unknown): void {
    e.errors++;
    e.failStreak++;
    const message = err instanceof Error ? err.message : String(err);
    // Say it at the start of a failing streak and now and then, not 30 times a second.
    if (e.failStreak === 1 || e.failStreak % 100 === 0) {
      this.o.log(`Output ${e.output.name} failed on a frame (${e.failStreak}x): ${message}`);
    }
    if (e.state === 'running') {
      e.state = 'error';
      e.reason = `failing: ${message}`;
      this.changed();
    }
  }
}

export class UnknownOutputError extends ScopeError {
  constructor(
    readonly id: string,
    known: string[],
  ) {
    super('not_found', `no output "${id}"; known: ${known.join(', ')}`);
  }
}

export class OutputUnavailableError extends ScopeError {
  constructor(output: Output, reason: string) {
    super('output_unavailable', `output ${output.id} is unavailable: ${reason}`);
  }
}
