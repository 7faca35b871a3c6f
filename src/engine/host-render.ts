/**
 * One frame from the loaded pipelines: the active one raced against the watchdog's timeout on the engine's clock,
 * the one kept from before filling in while the new one loads or is on probation (load-fallback.ts), and a
 * crossfade's outgoing side mixed in. Every failure goes to the watchdog; the caller only sees no image.
 */
import { within } from './clock';
import type { Clock } from './clock';
import type { Image } from './frame';
import type { HostWatchdog } from './host-watchdog';
import type { LoadFallback, RenderOutcome } from './load-fallback';
import type { LoadedPipeline } from './loaded-pipeline';
import type { InputProvider, RenderContext } from './pipeline';
import type { PipelineSlots } from './pipeline-slots';
import type { WatchEvent } from './watchdog';
import type { ParamSpecs, ParamValues } from '../params/spec';
import { errorText } from '../kernel/errors';

type Context = Omit<RenderContext, 'width' | 'height'>;

export interface HostRendererDeps {
  slots: PipelineSlots;
  watchdog: HostWatchdog;
  fallback: LoadFallback;
  clock: Clock;
  renderTimeoutMs: number;
}

export class HostRenderer {
  /** The pipeline that rendered the last image returned (while another loads, the one kept). */
  shown: string | undefined;

  constructor(private readonly o: HostRendererDeps) {}

  /** One image, or undefined when there is nothing to render (loading, failed and waiting to retry, hung). */
  async render(ctx: Context, values: ParamValues<ParamSpecs>, input?: InputProvider): Promise<Image | undefined> {
    const { slots, clock } = this.o;
    const active = slots.active;
    const m = this.o.watchdog.state;
    const previous = slots.previous;
    // While another pipeline loads, the one that ran before goes on rendering, with the values it had.
    if (!active && previous && m.phase === 'loading') return this.renderPrevious(previous, ctx, input);
    if (!active || (m.phase !== 'ready' && m.phase !== 'backoff')) return undefined;
    if (m.phase === 'backoff' && clock.now() < (m.retryAt ?? 0)) return undefined;
    // A new pipeline that has not rendered a good frame yet: the one before fills in, and comes back if it fails.
    if (previous) {
      const first = () => this.race(active.render(ctx, values, input));
      const before = () => this.renderPrevious(previous, ctx, input);
      const fillIn = clock.kind !== 'fixed-step';
      const { image, from } = await this.o.fallback.probation(active, first, before, this.o.renderTimeoutMs, fillIn);
      if (image && from === 'first') this.shown = active.id;
      return image;
    }
    const handed = this.o.fallback.handedOver(active);
    if (handed) {
      this.shown = active.id;
      return handed;
    }
    const run = active.render(ctx, values, input);
    const fade = slots.fade;
    const outgoing = fade?.render(ctx);
    const outcome = await this.race(run);
    if (slots.active !== active) return undefined;
    this.shown = active.id;
    const image = this.judge(active, run, outcome);
    if (!image) return undefined;
    if (!fade || !outgoing || slots.fade !== fade) return image;
    const mixed = await fade.blend(image, outgoing);
    if (fade.done(clock.now()) && slots.fade === fade) slots.fade = undefined;
    return mixed;
  }

  /** Tells the watchdog how the render of `active` ended; its image when it has one. */
  private judge(active: LoadedPipeline, run: Promise<unknown>, outcome: RenderOutcome): Image | undefined {
    const dispatch = (e: WatchEvent) => this.o.watchdog.dispatch(e);
    if ('late' in outcome) {
      dispatch({ type: 'timed-out', ms: this.o.renderTimeoutMs });
      // Its result, whenever it comes, only tells the watchdog it is over; it never counts as a good render.
      const late = (ok: boolean) => this.o.slots.active === active && dispatch({ type: 'late-result', ok });
      run.then(
        () => late(true),
        () => late(false),
      );
      return undefined;
    }
    if ('err' in outcome) {
      dispatch({ type: 'render-failed', message: errorText(outcome.err) });
      return undefined;
    }
    dispatch({ type: 'rendered' });
    // The throughput loop's first render only issued its frame: nothing to show yet, nothing failed.
    return outcome.image;
  }

  /** A render of the pipeline kept while another loads; its failure only leaves this frame out. */
  private async renderPrevious(p: LoadedPipeline, ctx: Context, input?: InputProvider): Promise<Image | undefined> {
    const outcome = await this.race(p.render(ctx, p.frozenValues(), input));
    if (!('image' in outcome) || this.o.slots.previous !== p) return undefined;
    this.shown = p.id;
    return outcome.image;
  }

  /** The render's outcome, or `late` once the watchdog's time on the clock is up. */
  private race(run: Promise<Image | undefined>): Promise<RenderOutcome> {
    const outcome = run.then(
      (image) => ({ image }),
      (err: unknown) => ({ err }),
    );
    return within(this.o.clock, this.o.renderTimeoutMs, outcome, { late: true as const });
  }
}
