import { StatsCollector } from './stats';
import { LatencyTracker } from './latency';
import type { EngineStats } from './stats';
import { within } from './clock';
import type { Clock } from './clock';
import type { Frame, Image } from './frame';
import type { InputProvider } from './pipeline';
import type { ParamSpecs, ParamValues } from '../params/spec';
import type { PipelineHost } from './host';
import type { ParamStore } from '../params/store';
import type { FrameStage } from './frame-stage';
import { blendInterpolator, interpolationOf, segmentOf } from './interpolation/interpolator';
import type { FrameInterpolator } from './interpolation/interpolator';

/** The values of one frame, before the host adds the output size. */
type FrameValues = ParamValues<ParamSpecs>;

export interface EngineOptions {
  clock: Clock;
  params: ParamStore;
  host: PipelineHost;
  fps: number;
  /** Size of the blank frames sent before any pipeline has loaded. */
  resolution: { width: number; height: number };
  /** Runs at each frame boundary around the snapshot (quantised changes, fades, modulators). */
  stage?: FrameStage;
  /**
   * A show's timeline (several nodes on one clock): frames fall on multiples of the frame interval of the clock,
   * and a pipeline's time and frame index count from `pipelineStart()` (when the show loaded it), not from its
   * first frame here, so every node renders frame n of a pipeline at the same instant.
   */
  timeline?: { pipelineStart(): number | undefined };
  /** Makes the frames between rendered ones when `interpolate` is 2..4; a CPU crossfade when left out. */
  interpolator?: FrameInterpolator;
}

/**
 * An image on its way out, with the pipeline that rendered it (and that pipeline's load generation), and the
 * parameter version its snapshot saw (latency.ts).
 */
type Shown = { image: Image; pipelineId: string; generation: number; version: number };
/** What a render (and the interpolation after it) comes back with. */
type Rendered = { frames: Image[]; renderMs: number } | undefined;
type Settled = { done: true; result: Rendered } | { done: false };

type FrameListener = (frame: Frame) => void;

/**
 * The paced frame loop. At each frame boundary it takes one parameter snapshot, asks the host for an image and
 * publishes a Frame. A render that fails or runs late never stops the loop: the last good image goes out again,
 * and the host's watchdog (watchdog.ts) decides what a failure or a render that never ends leads to.
 *
 * With `interpolate` = k (2..4) a render starts every k frame slots, right after the one before it was taken,
 * so it has k slots to finish; its image goes out after the k - 1 frames interpolated between it and the image
 * before it, one per slot. That shows each rendered image one rendered frame later than without interpolation.
 */
export class Engine {
  private readonly stats: StatsCollector;
  /** Arrival-to-frame latency per control surface (GET /api/v1/stats under `latency`). */
  readonly latency: LatencyTracker;
  private listeners = new Set<FrameListener>();
  private running = false;
  private loop: Promise<void> | undefined;
  private latestFrame: Frame | undefined;
  private lastGood: Shown | undefined;
  /** Frames of the newest rendered segment still to go out, one per slot, the rendered image last. */
  private queue: Shown[] = [];
  private lastRenderDue: number | undefined;
  private seq = 0;
  private intervalMs: number;
  private paused = false;
  /** A render that missed its frame slot and is still running. */
  private pending: { promise: Promise<Settled>; generation: number; version: number } | undefined;
  private pipelineEpoch = { generation: -1, start: 0, frames: 0 };
  private input: InputProvider | undefined;

  constructor(private readonly o: EngineOptions) {
    this.intervalMs = 1000 / o.fps;
    this.stats = new StatsCollector(o.fps);
    this.latency = new LatencyTracker(() => o.clock.now());
    o.params.onChange((event) => this.latency.changed(event));
  }

  get clock(): Clock {
    return this.o.clock;
  }

  get fps(): number {
    return this.stats.targetFps;
  }

  /** Changes the target frame rate from the next frame on. */
  setFps(fps: number): void {
    this.intervalMs = 1000 / fps;
    this.stats.targetFps = fps;
  }

  /** Where pipelines that take input get it from, from the next frame on (the inputs hub); undefined for none. */
  setInput(input: InputProvider | undefined): void {
    this.input = input;
  }

  /** Paused, the loop keeps sending the last frame at the same pace but renders nothing. */
  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    const loop = this.loop;
    this.loop = undefined;
    // A manual clock waits for a tick that may never come; the loop checks `running` after each wait.
    const clock = this.o.clock as { tick?: () => void };
    clock.tick?.();
    await loop;
  }

  /** Subscribes to every published frame; listeners must return fast (they run on the loop). */
  onFrame(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  latest(): Frame | undefined {
    return this.latestFrame;
  }

  getStats(): EngineStats {
    return { ...this.stats.snapshot(this.o.clock.now()), renderErrors: this.o.host.renderFailures };
  }

  /**
   * How long before its due time a frame starts rendering on the real-time clock: most renders then finish
   * just before the frame boundary and the frame goes out exactly on it, so render-time jitter does not reach
   * the outputs' frame intervals. Latency grows by the same amount, so it follows the renders (their p98, plus 2 ms).
   */
  private leadMs(): number {
    if (this.o.clock.kind !== 'realtime') return 0;
    if (this.sinceLead++ % 15 === 0) {
      this.lead = Math.min(this.intervalMs * 0.8, this.stats.renderQuantile(0.98) + 2);
    }
    return this.lead;
  }
  private lead = 0;
  private sinceLead = 0;

  private async run(): Promise<void> {
    const clock = this.o.clock;
    // On a show's timeline the first frame waits for the next multiple of the interval, as every node's does.
    let due = this.o.timeline ? Math.ceil(clock.now() / this.intervalMs) * this.intervalMs : clock.now();
    while (this.running) {
      await clock.sleepUntil(due - this.leadMs());
      if (!this.running) break;
      await this.frame(due);
      due += this.intervalMs;
      const behind = clock.now() - due;
      if (behind > this.intervalMs) {
        // Fell behind by whole frames: skip those slots rather than bursting to catch up.
        const skipped = Math.floor(behind / this.intervalMs);
        this.stats.dropped += skipped;
        due += skipped * this.intervalMs;
      }
    }
  }

  /**
   * One frame slot: take a finished render, start the next one when its slot has come (waiting for it within
   * this slot when nothing else is left to show), then publish the next frame of the queue, or the last again.
   */
  private async frame(due: number): Promise<void> {
    const clock = this.o.clock;
    this.prepareStage(due);
    const k = interpolationOf(this.o.params.get('interpolate'));
    // A render is taken once the frames before it have all gone out.
    if (this.pending && this.queue.length === 0) await this.collect(due);
    // Without interpolation a render's image goes out in its own slot; with it, the render starts as the segment
    // before it starts going out, k slots before its own frames are due.
    if (!this.pending && !this.paused && this.queue.length <= (k > 1 ? k : 0)) {
      this.startRender(due, k);
      if (this.queue.length === 0) await this.collect(due);
    }
    const next = this.queue.shift();
    // A frame ready early waits for its due time (real-time clock only; the others never run early).
    if (next && clock.kind === 'realtime') await clock.sleepUntil(due);
    // A repeated frame keeps the label of the pipeline that rendered it, not the one loading now.
    const shown = next ?? this.lastGood ?? { image: this.blank(), pipelineId: 'none' };
    // A repeat shows nothing new; a fresh frame shows every change its snapshot saw (counted as it goes out).
    if (next) this.latency.published(next.version, this.o.clock.now());
    this.publish(shown.image, shown.pipelineId, due, !next);
  }

  /** Starts a render with this slot's snapshot, the `k` - 1 frames between the last image and it following it. */
  private startRender(due: number, k: number): void {
    const clock = this.o.clock;
    const dt = this.lastRenderDue === undefined ? 0 : (due - this.lastRenderDue) / 1000;
    this.lastRenderDue = due;
    const generation = this.o.host.generation;
    if (this.pipelineEpoch.generation !== generation) {
      const start = this.o.timeline?.pipelineStart() ?? due;
      this.pipelineEpoch = { generation, start, frames: 0 };
    }
    const snapshot = this.stageSnapshot(this.o.params.snapshot(dt), due);
    const version = this.latency.snapshotTaken();
    const ctx = {
      time: (due - this.pipelineEpoch.start) / 1000,
      dt,
      // On a show's timeline the index follows the clock, so a skipped slot skips an index on every node alike.
      frameIndex: this.o.timeline
        ? Math.round((due - this.pipelineEpoch.start) / this.intervalMs)
        : this.pipelineEpoch.frames++,
    };
    const startedAt = clock.now();
    const prev = this.lastGood?.generation === generation ? this.lastGood.image : undefined;
    const interpolator = this.o.interpolator ?? blendInterpolator;
    const settle = (result: Rendered): Settled => ({ done: true, result });
    // Without interpolation the image is taken as it comes, with no promise hop more than the render's own.
    const promise = this.o.host.render(ctx, snapshot, this.input).then(
      (image) => {
        if (!image) return settle(undefined);
        const renderMs = clock.now() - startedAt;
        if (k === 1) return settle({ frames: [image], renderMs });
        return segmentOf(interpolator, prev, image, k).then((frames) => settle({ frames, renderMs }));
      },
      () => settle(undefined),
    );
    this.pending = { promise, generation, version };
  }

  /**
   * Takes the pending render, waiting for it up to the end of this slot. A render that never comes back is the
   * host's watchdog's business: it answers undefined at its timeout.
   */
  private async collect(due: number): Promise<void> {
    const pending = this.pending!;
    const settled = await this.waitForRender(pending.promise, due + this.intervalMs);
    if (!settled.done) return;
    this.pending = undefined;
    const stale = pending.generation !== this.o.host.generation;
    if (!settled.result || stale) return;
    this.stats.recordRender(settled.result.renderMs);
    this.stats.recordRendered(this.o.clock.now());
    // The pipeline that rendered it: during a load's first render that is the one before, filling in.
    const pipelineId = this.o.host.renderingId ?? 'none';
    const { generation, version } = pending;
    this.queue = settled.result.frames.map((image) => ({ image, pipelineId, generation, version }));
    this.lastGood = this.queue[this.queue.length - 1];
  }

  /** The stage's work before the snapshot; its failure never stops the loop. */
  private prepareStage(due: number): void {
    try {
      this.o.stage?.prepare(due);
    } catch {
      // The stage reports its own errors; this frame goes on with the values as they are.
    }
  }

  private stageSnapshot(snapshot: FrameValues, due: number): FrameValues {
    if (!this.o.stage) return snapshot;
    try {
      return this.o.stage.modulate(snapshot, due);
    } catch {
      return snapshot;
    }
  }

  /**
   * Waits for the render, but no longer than the frame's deadline on the clock; a fixed-step clock renders
   * every frame, so it waits for each render whatever it takes.
   */
  private async waitForRender(promise: Promise<Settled>, deadline: number): Promise<Settled> {
    const clock = this.o.clock;
    if (clock.kind === 'fixed-step') return promise;
    return within(clock, deadline - clock.now(), promise, { done: false } as Settled);
  }

  private publish(image: Image, pipelineId: string, due: number, repeated: boolean): void {
    if (repeated && this.running && !this.paused && this.o.host.state === 'ready') this.stats.late++;
    const frame: Frame = {
      data: image.data,
      width: image.width,
      height: image.height,
      ...(image.formats ? { formats: image.formats } : {}),
      seq: this.seq++,
      timestamp: due,
      pipelineId,
      repeated,
    };
    this.latestFrame = frame;
    this.stats.recordPublish(this.o.clock.now());
    for (const l of this.listeners) {
      try {
        l(frame);
      } catch {
        // An output's bug must not stop the show; outputs report their own errors.
      }
    }
  }

  private blankImage: Image | undefined;
  private blank(): Image {
    const w = this.o.params.get('width');
    const h = this.o.params.get('height');
    const width = typeof w === 'number' ? w : this.o.resolution.width;
    const height = typeof h === 'number' ? h : this.o.resolution.height;
    if (!this.blankImage || this.blankImage.width !== width || this.blankImage.height !== height) {
      const data = new Uint8Array(width * height * 4);
      for (let i = 3; i < data.length; i += 4) data[i] = 255;
      this.blankImage = { data, width, height };
    }
    return this.blankImage;
  }
}
