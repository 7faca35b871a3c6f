/**
 * One loaded pipeline instance with what it was loaded with: its runtime (its own, with the sessions in a child
 * process, under crash isolation), the load-time values it was built for, and the values it last rendered with
 * (so a warm pipeline comes back as it was left).
 */
import { performance } from 'node:perf_hooks';
import type { Image } from './frame';
import { takesInput } from './pipeline';
import type { InputProvider, ParamSnapshot, Pipeline, PipelineDefinition, RenderContext } from './pipeline';
import type { ParamSpecs, ParamValue, ParamValues } from '../params/spec';
import type { OrtRuntime } from '../runtime/ort';
import type { InputPreprocessor } from './preprocessor';
import { FrameDepth, depthOf } from './frame-depth';

export interface LoadOptions {
  specs: ParamSpecs;
  values: ParamValues<ParamSpecs>;
  signal: AbortSignal;
  log: (message: string) => void;
  progress: (stage: string, fraction?: number) => void;
  /** Told when its warnings changed (the host's status goes out again). */
  changed?: () => void;
}

export class LoadedPipeline {
  /** Values of the load-time parameters it was built for (width and height among them). */
  readonly loadValues: Record<string, ParamValue>;
  /** Load-time values as one comparable key: a warm pipeline is reused only for the same key. */
  readonly key: string;
  /** Every parameter value as it was when it stopped being the active pipeline. */
  lastValues: Record<string, ParamValue> = {};
  /** When it was last the active pipeline, on the host's clock (least recently used goes first). */
  lastUsed = 0;
  loadedAt: string | null = null;
  loadMs = 0;
  private lostHandlers: ((err: Error) => void)[] = [];
  /** What its preflight said without refusing (nodes on the CPU provider): shown in its status while it runs. */
  notes: readonly string[] = [];
  /** What the running instance said it could not do (LoadContext.warn), by key. */
  private readonly warned = new Map<string, string>();
  /** The frame it has in flight in the throughput loop (`pipelineDepth` 2). */
  private readonly depth = new FrameDepth();

  constructor(
    readonly def: PipelineDefinition,
    readonly instance: Pipeline,
    readonly runtime: OrtRuntime,
    /** Its runtime is its own: closed (its process ended) when the pipeline is unloaded. */
    readonly ownsRuntime: boolean,
    specs: ParamSpecs,
    values: ParamValues<ParamSpecs>,
    /** The pre-processor chain its input goes through, on its runtime. */
    private readonly preprocess?: InputPreprocessor,
  ) {
    this.loadValues = loadTimeValues(specs, values);
    this.key = keyOf(this.loadValues);
    if (ownsRuntime) runtime.onLost((err) => this.lostHandlers.forEach((h) => h(err)));
  }

  get id(): string {
    return this.def.id;
  }

  /** The sentences the pipeline shows in its status now: its preflight's notes, then its own warnings, oldest first. */
  get warnings(): string[] {
    return [...this.notes, ...this.warned.values()];
  }

  /** Calls `handler` when its own runtime's process dies by itself. */
  onLost(handler: (err: Error) => void): void {
    this.lostHandlers.push(handler);
  }

  async load(o: LoadOptions): Promise<void> {
    const started = performance.now();
    const snapshot = sized(o.values);
    await this.instance.load({
      width: snapshot.width,
      height: snapshot.height,
      params: snapshot,
      runtime: this.runtime,
      signal: o.signal,
      log: o.log,
      progress: o.progress,
      warn: (key, sentence) => {
        if ((this.warned.get(key) ?? null) === sentence) return;
        if (sentence === null) this.warned.delete(key);
        else this.warned.set(key, sentence);
        o.changed?.();
      },
    });
    // Wall time on purpose: the log says how long loading really took, whatever clock drives the frames.
    this.loadMs = performance.now() - started;
    this.loadedAt = new Date().toISOString();
  }

  /**
   * Renders with `values`, except the load-time ones, which stay those it was built for until a reload replaces
   * it: a width changed a moment ago is a reload under way, not a wrong size. Throws on a wrong-sized image.
   * At `pipelineDepth` 2 the image is the frame issued by the render before (frame-depth.ts), and undefined while
   * nothing was in flight.
   */
  async render(
    ctx: Omit<RenderContext, 'width' | 'height'>,
    values: ParamValues<ParamSpecs>,
    input?: InputProvider,
  ): Promise<Image | undefined> {
    const snapshot = sized(values, this.loadValues);
    const { width, height } = snapshot;
    const raw = input && takesInput(this.def, snapshot) ? input.frame(width, height) : undefined;
    const frame = raw && this.preprocess ? await this.preprocess.apply(raw, snapshot) : raw;
    // A pipeline that asks for it (a ControlNet) gets the chain's picture apart and the input as it came.
    const apart = frame !== raw && this.def.conditioningApart?.(snapshot) === true;
    const full = { ...ctx, width, height, ...(apart ? { conditioning: frame } : {}) };
    const given = apart ? raw : frame;
    const p = this.instance;
    const depth = depthOf(snapshot.pipelineDepth);
    // The latency loop with nothing in flight renders as it always did, with no promise hop more.
    const image = this.depth.plain(depth, p.issue !== undefined)
      ? await this.plainRender(p.render(full, snapshot, given))
      : await this.depth.render(depth, ctx.frameIndex, {
          render: async () => p.render(full, snapshot, given),
          issue: p.issue ? () => p.issue!(full, snapshot, given) : undefined,
        });
    if (image !== undefined) checkImage(image, width, height);
    return image;
  }

  private plainRender(image: Promise<Image> | Image): Promise<Image> | Image {
    if (image instanceof Promise) return image.then((i) => (this.depth.plainShown(), i));
    this.depth.plainShown();
    return image;
  }

  /** The values it renders with as a warm pipeline (a crossfade's outgoing side): its last ones. */
  frozenValues(): ParamValues<ParamSpecs> {
    return { ...this.lastValues, ...this.loadValues } as ParamValues<ParamSpecs>;
  }

  /** Unloads it and ends its runtime; an unload that fails is logged, never thrown. */
  async unload(log: (m: string) => void): Promise<void> {
    // The frame in flight goes first: its device outputs belong to the sessions about to be released.
    await this.depth.flush();
    try {
      await this.instance.unload();
    } catch (err) {
      log(`unloading ${this.id} failed: ${(err as Error).message}`);
    }
    await this.preprocess?.release().catch(() => {});
    if (this.ownsRuntime) await this.runtime.close().catch(() => {});
  }

  /** Ends its runtime's process at once (it hung or crashed), then unloads what is left. */
  async kill(log: (m: string) => void): Promise<void> {
    if (this.ownsRuntime) await this.runtime.kill().catch(() => {});
    await this.unload(log);
  }
}

/** The values of the load-time parameters among `values`. */
export function loadTimeValues(specs: ParamSpecs, values: Record<string, unknown>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [path, spec] of Object.entries(specs)) {
    const v = values[path];
    if (spec.mode === 'load' && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) {
      out[path] = v;
    }
  }
  return out;
}

/** A stable key of load-time values. */
export function keyOf(values: Record<string, ParamValue>): string {
  return JSON.stringify(
    Object.keys(values)
      .sort()
      .map((k) => [k, values[k]]),
  );
}

/**
 * The values, with `overlay` over them, as a pipeline's snapshot (one copy per frame): width and height are the
 * host's own parameters, always defined.
 */
export function sized(values: ParamValues<ParamSpecs>, overlay: Record<string, ParamValue> = {}): ParamSnapshot {
  const snapshot: ParamValues<ParamSpecs> = { ...values, ...overlay };
  const { width, height } = snapshot;
  if (typeof width !== 'number' || typeof height !== 'number') throw new Error('the output size is not defined');
  return snapshot as ParamSnapshot;
}

function checkImage(image: Image, width: number, height: number): void {
  if (!image || !(image.data instanceof Uint8Array)) throw new Error('pipeline returned no image');
  if (image.width !== width || image.height !== height || image.data.length !== width * height * 4) {
    throw new Error(
      `pipeline returned ${image?.width}x${image?.height} (${image?.data?.length} bytes), expected ${width}x${height} RGBA`,
    );
  }
}
