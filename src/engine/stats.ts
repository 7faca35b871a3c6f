/** A fixed-size ring of samples with percentiles; sized for a few seconds of frames. */
export class RollingWindow {
  private readonly buf: Float64Array;
  private n = 0;
  private i = 0;

  constructor(size: number) {
    this.buf = new Float64Array(size);
  }

  push(v: number): void {
    this.buf[this.i] = v;
    this.i = (this.i + 1) % this.buf.length;
    this.n = Math.min(this.n + 1, this.buf.length);
  }

  get count(): number {
    return this.n;
  }

  /** The q-quantile (0..1) by nearest rank; 0 when empty. */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    const sorted = Array.from(this.buf.subarray(0, this.n)).sort((a, b) => a - b);
    return sorted[Math.min(this.n - 1, Math.max(0, Math.ceil(q * this.n) - 1))]!;
  }

  mean(): number {
    if (this.n === 0) return 0;
    let s = 0;
    for (let k = 0; k < this.n; k++) s += this.buf[k]!;
    return s / this.n;
  }

  stddev(): number {
    if (this.n < 2) return 0;
    const m = this.mean();
    let s = 0;
    for (let k = 0; k < this.n; k++) s += (this.buf[k]! - m) ** 2;
    return Math.sqrt(s / (this.n - 1));
  }

  clear(): void {
    this.n = 0;
    this.i = 0;
  }
}

export interface EngineStats {
  /** Frames published per second over the last second of clock time (frames out, interpolated ones included). */
  fps: number;
  /** Frames the pipeline rendered per second over the last second (fps / interpolate when it keeps up). */
  renderedFps: number;
  targetFps: number;
  /** Render time of the pipeline, milliseconds. */
  frameTimeP50: number;
  frameTimeP99: number;
  /** Time between published frames, milliseconds. */
  intervalP50: number;
  intervalP99: number;
  intervalStddev: number;
  frames: number;
  /** Frame slots skipped because the loop fell behind. */
  dropped: number;
  /** Frames sent as a repeat of the last good image because the render was late or failed. */
  late: number;
  renderErrors: number;
}

/** Collects the loop's timing; `snapshot()` is cheap enough to call per request. */
export class StatsCollector {
  private renderMs = new RollingWindow(300);
  private intervalMs = new RollingWindow(300);
  private recent: number[] = [];
  private rendered: number[] = [];
  private lastPublish: number | undefined;
  frames = 0;
  dropped = 0;
  late = 0;

  constructor(public targetFps: number) {}

  recordRender(ms: number): void {
    this.renderMs.push(ms);
  }

  /** A rendered frame was taken at `now` (the frames made from it are counted by recordPublish). */
  recordRendered(now: number): void {
    this.rendered.push(now);
    trim(this.rendered, now);
  }

  /** The q-quantile of recent render times, milliseconds. */
  renderQuantile(q: number): number {
    return this.renderMs.quantile(q);
  }

  recordPublish(now: number): void {
    this.frames++;
    if (this.lastPublish !== undefined) this.intervalMs.push(now - this.lastPublish);
    this.lastPublish = now;
    this.recent.push(now);
    trim(this.recent, now);
  }

  snapshot(now: number): EngineStats {
    const inLastSecond = (times: number[]) => times.filter((t) => t > now - 1000).length;
    const round = (v: number) => Math.round(v * 100) / 100;
    return {
      fps: inLastSecond(this.recent),
      renderedFps: inLastSecond(this.rendered),
      targetFps: this.targetFps,
      frameTimeP50: round(this.renderMs.quantile(0.5)),
      frameTimeP99: round(this.renderMs.quantile(0.99)),
      intervalP50: round(this.intervalMs.quantile(0.5)),
      intervalP99: round(this.intervalMs.quantile(0.99)),
      intervalStddev: round(this.intervalMs.stddev()),
      frames: this.frames,
      dropped: this.dropped,
      late: this.late,
      renderErrors: 0,
    };
  }
}

/** Drops the times a second or more before `now`. */
function trim(times: number[], now: number): void {
  while (times.length > 0 && times[0]! <= now - 1000) times.shift();
}
