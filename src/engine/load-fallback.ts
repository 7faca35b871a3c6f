/**
 * The way back when a load fails after its preflight: the pipeline that ran before (slots.previous) renders while
 * the new one loads and is kept until the new one's first good frame. When the new one fails before that (its
 * load, its first render, or its process dies), it goes and the one before is active again with its values; the
 * failure is kept for the status (`lastLoadError`), logged and sent to the status listeners.
 */
import type { LoadError } from './host-types';
import type { LoadedPipeline } from './loaded-pipeline';
import type { PipelineSlots } from './pipeline-slots';
import type { WatchEvent } from './watchdog';
import type { ParamSpecs } from '../params/spec';
import type { ParamStore } from '../params/store';
import type { PipelineDefinition } from './pipeline';
import type { Image } from './frame';
import { errorText } from '../kernel/errors';

/** How a render ended: its image, its error, or too late for the watchdog. */
export type RenderOutcome = { image: Image | undefined } | { err: unknown } | { late: true };

export interface LoadFallbackDeps {
  slots: PipelineSlots;
  params: ParamStore;
  log: (message: string) => void;
  specsOf: (def: PipelineDefinition) => ParamSpecs;
  /** Makes `p` the active pipeline (the engine restarts its time and frame index). */
  activate: (p: LoadedPipeline) => void;
  dispatch: (e: WatchEvent) => void;
  /** The id of the pipeline being loaded, when it has no instance yet. */
  loadingId: () => string | null;
  /** Forgets the watchdog's pending wake. */
  cancelWake: () => void;
  changed: () => void;
}

export class LoadFallback {
  /** The last load that failed after its preflight; cleared when the next load starts. */
  lastError: LoadError | null = null;
  /** The first render of the pipeline on probation (active, with the one before still held), started once. */
  private first: { p: LoadedPipeline; run: Promise<RenderOutcome> } | undefined;
  /**
   * The first good frame when it came back while the one before was filling in: shown next, never dropped (a
   * stateful pipeline, a video stream, has moved past it).
   */
  private handover: { p: LoadedPipeline; image: Image | undefined } | undefined;

  constructor(private readonly o: LoadFallbackDeps) {}

  /**
   * The new pipeline failed before its first good frame (`during` its load, its first render, or its process
   * died): it goes, and the pipeline kept from before is active again with its values, as if nothing was asked.
   */
  fallBack(during: LoadError['phase'], message: string): void {
    const { slots } = this.o;
    const back = slots.previous!;
    const failed = slots.active;
    const failedId = failed?.id ?? this.o.loadingId() ?? 'the new pipeline';
    slots.previous = undefined;
    slots.warm.remove(back);
    if (slots.fade?.from === back) slots.fade = undefined;
    slots.active = undefined;
    if (failed) void failed.kill(this.o.log);
    this.o.cancelWake();
    this.o.activate(back);
    this.o.params.define(this.o.specsOf(back.def), back.lastValues, back.id);
    this.lastError = { pipelineId: failedId, phase: during, message, at: new Date().toISOString() };
    this.o.log(`loading ${failedId} failed (${during}): ${message}; ${back.id} goes on`);
    this.o.dispatch({
      type: 'fell-back',
      pipelineId: back.id,
      detail: `${failedId} failed (${during}): ${message}; back to ${back.id}`,
    });
  }

  /**
   * What becomes of the pipeline running as a load starts (`old`). When it is `healthy` (loaded, rendering well,
   * another pipeline asked for) it is the one to fall back to: kept warm, or held outside the warm set when none
   * are kept; one still held from a load before is let go. Otherwise it is killed (`kill`: hung or crashed) or
   * unloaded, and one still held from a load this one overtook stays the way back. A switch to a `warm` pipeline
   * needs no way back.
   */
  async replace(
    old: LoadedPipeline | undefined,
    o: { warm: LoadedPipeline | undefined; healthy: boolean; kill: boolean },
  ): Promise<void> {
    const { slots } = this.o;
    if (o.warm && slots.previous === o.warm) slots.previous = undefined;
    if (o.healthy) this.release();
    if (old) {
      if (o.kill) await old.kill(this.o.log);
      else if (o.healthy && slots.warm.capacity > 0) slots.keepWarm(old);
      else if (!(o.healthy && !o.warm)) await slots.retire(old, 'replaced');
    }
    if (o.warm) return this.release();
    // Kept warm above (unless the warm limit let it go at once), or held outside the warm set.
    if (old && o.healthy && (slots.warm.has(old) || slots.warm.capacity === 0)) slots.previous = old;
  }

  /**
   * A frame while `active` is on probation: its first render is started once (`start`), and until it is back the
   * pipeline before renders the frames (`previous`), so a slow first render (kernels compiling) freezes nothing.
   * The first render's failure falls back; its good frame ends the probation and is shown. Without `fillIn` (a
   * fixed-step clock: offline, every frame waited for) the first render alone is waited for, as any render.
   */
  async probation(
    active: LoadedPipeline,
    start: () => Promise<RenderOutcome>,
    previous: () => Promise<Image | undefined>,
    timeoutMs: number,
    fillIn: boolean,
  ): Promise<{ image: Image | undefined; from: 'first' | 'previous' }> {
    let first = this.first;
    if (first?.p !== active) {
      const run = start();
      first = this.first = { p: active, run };
      void run.then((outcome) => this.settle(active, outcome, timeoutMs));
    }
    const waits: Promise<{ image: Image | undefined } | { first: true }>[] = [first.run.then(() => ({ first: true }))];
    if (fillIn) waits.push(previous().then((image) => ({ image })));
    const winner = await Promise.race(waits);
    if ('image' in winner) return { image: winner.image, from: 'previous' };
    return { image: this.handedOver(active), from: 'first' };
  }

  /** The first good frame of `p`, once, if it is waiting to be shown. */
  handedOver(p: LoadedPipeline): Image | undefined {
    const h = this.handover;
    if (h?.p !== p) return undefined;
    this.handover = undefined;
    return this.o.slots.active === p ? h.image : undefined;
  }

  private settle(p: LoadedPipeline, outcome: RenderOutcome, timeoutMs: number): void {
    if (this.first?.p === p) this.first = undefined;
    if (this.o.slots.active !== p || !this.o.slots.previous) return;
    if ('image' in outcome) {
      this.handover = { p, image: outcome.image };
      return this.release();
    }
    const message = 'late' in outcome ? `its first render took longer than ${timeoutMs} ms` : errorText(outcome.err);
    this.fallBack('first render', message);
  }

  /** The new pipeline rendered a good frame: the one kept from before stays warm, or is unloaded when not warm. */
  release(): void {
    const { slots } = this.o;
    const p = slots.previous;
    slots.previous = undefined;
    if (!p || slots.warm.has(p)) return;
    if (slots.warm.capacity > 0) slots.keepWarm(p);
    else void slots.retire(p, 'replaced');
    this.o.changed();
  }
}
