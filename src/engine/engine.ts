import { StatsCollector } from './stats';
import type { EngineStats } from './stats';
import { within } from './clock';
import type { Clock } from './clock';
import type { Frame, Image } from './frame';
import type { InputProvider } from './pipeline';
import type { ParamSpecs, ParamValues } from '../params/spec';
import type { PipelineHost } from './host';
import type { ParamStore } from '../params/store';
import type { FrameStage } from './frame-stage';

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
}

type FrameListener = (frame: Frame) => void;

/**
 * The paced frame loop. At each frame boundary it takes one parameter snapshot, asks the host for an image and
 * publishes a Frame. A render that fails or runs late never stops the loop: the last good image goes out again,
 * and the host's watchdog (watchdog.ts) decides what a failure or a render that never ends leads to.
 */
export class Engine {
  private readonly stats: StatsCollector;
  private listeners = new Set<FrameListener>();
  private running = false;
  private loop: Promise<void> | undefined;
  private latestFrame: Frame | undefined;
  private lastGood: { image: Image; pipelineId: string } | undefined;
  private seq = 0;
  private intervalMs: number;
  private paused = false;
  /** A render that missed its frame slot and is still running. */
  private pending: { promise: Promise<Image | undefined>; startedAt: number; generation: number } | undefined;
  private pipelineEpoch = { generation: -1, start: 0, frames: 0 };
  private lastDue: number | undefined;
  private input: InputProvider | undefined;

  constructor(private readonly o: EngineOptions) {
    this.intervalMs = 1000 / o.fps;
    this.stats = new StatsCollector(o.fps);
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

  /** One frame slot: render (or keep waiting on a late render), then publish. */
  private async frame(due: number): Promise<void> {
    const clock = this.o.clock;
    const dt = this.lastDue === undefined ? 0 : (due - this.lastDue) / 1000;
    this.lastDue = due;
    this.prepareStage(due);
    if (!this.pending && !this.paused) {
      const generation = this.o.host.generation;
      if (this.pipelineEpoch.generation !== generation) {
        const start = this.o.timeline?.pipelineStart() ?? due;
        this.pipelineEpoch = { generation, start, frames: 0 };
      }
      const snapshot = this.stageSnapshot(this.o.params.snapshot(dt), due);
      const ctx = {
        time: (due - this.pipelineEpoch.start) / 1000,
        dt,
        // On a show's timeline the index follows the clock, so a skipped slot skips an index on every node alike.
        frameIndex: this.o.timeline
          ? Math.round((due - this.pipelineEpoch.start) / this.intervalMs)
          : this.pipelineEpoch.frames++,
      };
      const startedAt = clock.now();
      const promise = this.o.host.render(ctx, snapshot, this.input);
      this.pending = { promise, startedAt, generation };
    }
    let image: Image | undefined;
    let fresh = false;
    if (this.pending) {
      const settled = await this.waitForRender(this.pending.promise, due + this.intervalMs);
      if (settled.done) {
        const renderMs = clock.now() - this.pending.startedAt;
        const stale = this.pending.generation !== this.o.host.generation;
        this.pending = undefined;
        if (settled.image && !stale) {
          this.stats.recordRender(renderMs);
          image = settled.image;
          fresh = true;
        }
      }
      // A render that never comes back is the host's watchdog's business: it answers undefined at its timeout.
    }
    if (fresh && image) this.lastGood = { image, pipelineId: this.o.host.renderingId ?? 'none' };
    // A render that came in early waits for its due time (real-time clock only; the others never run early).
    if (fresh && clock.kind === 'realtime') await clock.sleepUntil(due);
    // A repeated frame keeps the label of the pipeline that rendered it, not the one loading now.
    const shown = fresh && image ? this.lastGood! : (this.lastGood ?? { image: this.blank(), pipelineId: 'none' });
    this.publish(shown.image, shown.pipelineId, due, !fresh);
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
  private async waitForRender(
    promise: Promise<Image | undefined>,
    deadline: number,
  ): Promise<{ done: true; image: Image | undefined } | { done: false }> {
    const wrapped = promise.then(
      (image) => ({ done: true as const, image }),
      () => ({ done: true as const, image: undefined }),
    );
    const clock = this.o.clock;
    if (clock.kind === 'fixed-step') return wrapped;
    return within(clock, deadline - clock.now(), wrapped, { done: false as const });
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
