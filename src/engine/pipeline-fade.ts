import { ease } from '../perform';
import { blendImages } from './image-blend';
import { within } from './clock';
import type { Clock } from './clock';
import type { Image } from './frame';
import type { LoadedPipeline } from './loaded-pipeline';
import type { RenderContext } from './pipeline';

/** How long the incoming frame waits for the outgoing one; a slow outgoing side is left out of that frame. */
const OUTGOING_WAIT_MS = 100;

/**
 * A crossfade from a pipeline that was just switched away from (kept warm) to the one switched to: for the fade's
 * frames both render, the outgoing one with the values it had, and the frames are mixed along an ease-in-out
 * curve. Pictures of different sizes cut instead. A held mix (the A/B fader across two pipelines) is the same with
 * its position read each frame from a fader, and no end.
 */
export class PipelineFade {
  constructor(
    readonly from: LoadedPipeline,
    private readonly start: number,
    private readonly ms: number,
    private readonly clock: Clock,
    /** The fader (0: all `from`, 1: all the active pipeline) of a held mix; a timed fade has none. */
    private readonly fader?: () => number,
  ) {}

  /** A mix with `from` held at the fader's position until it is replaced. */
  static held(from: LoadedPipeline, fader: () => number, clock: Clock): PipelineFade {
    return new PipelineFade(from, clock.now(), 0, clock, fader);
  }

  get isHeld(): boolean {
    return this.fader !== undefined;
  }

  /** Progress 0..1 at clock time `now`. */
  progress(now: number): number {
    if (this.fader) return Math.min(1, Math.max(0, this.fader()));
    return this.ms <= 0 ? 1 : Math.min(1, Math.max(0, (now - this.start) / this.ms));
  }

  done(now: number): boolean {
    return !this.fader && this.progress(now) >= 1;
  }

  /** The outgoing pipeline's frame for this slot; undefined when it fails (the fade then shows the new one). */
  render(ctx: Omit<RenderContext, 'width' | 'height'>): Promise<Image | undefined> {
    return this.from.render(ctx, this.from.frozenValues()).catch(() => undefined);
  }

  /** `incoming` mixed with the outgoing frame by the fade's progress now. */
  async blend(incoming: Image, outgoing: Promise<Image | undefined>): Promise<Image> {
    const out = await within(this.clock, OUTGOING_WAIT_MS, outgoing, undefined);
    if (!out || out.width !== incoming.width || out.height !== incoming.height) return incoming;
    // The fader is already the performer's curve; a timed fade eases in and out.
    const x = this.progress(this.clock.now());
    return blendImages(out, incoming, this.fader ? x : ease('ease-in-out', x));
  }
}
