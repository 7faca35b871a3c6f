/**
 * The loop's depth (issue 25, item 5): how many frames a pipeline has in flight at the end of a render.
 *
 * - Depth 1 (latency): a render sends frame N's work and waits for its pixels before it returns; where the
 *   sessions run (a worker thread, the crash-isolation child process, the GPU) then idles while this process takes
 *   the frame, hands it to the outputs and prepares the next one.
 * - Depth 2 (throughput): a render issues frame N+1's work first, then reads frame N's pixels, so the next frame's
 *   work is queued before the previous one is read back and the sessions' side never waits for this process. The
 *   frame shown in a slot is the one issued a slot earlier: one rendered frame of latency more.
 *
 * Frames come out in the order they were issued, each once. A pipeline's very first frame is rendered whole (a
 * load's first frame proves the pipeline works, and comes as soon as it can); after that, a render at depth 2 with
 * nothing in flight (a switch from depth 1, a flush, a failed issue) only issues: it returns undefined, and the loop
 * shows the last frame again for that slot.
 * Switching back to depth 1 returns the frame in flight instead of rendering that slot's values, so no frame is lost.
 * A pipeline without `issue` renders at depth 1 whatever is asked.
 */
import type { Image } from './frame';
import type { InFlightFrame } from './pipeline';

/** The depths the `pipelineDepth` parameter offers. */
export type LoopDepth = 1 | 2;

/** The depth asked for by a parameter value: 2 for throughput, 1 (the default) otherwise. */
export function depthOf(value: unknown): LoopDepth {
  return value === 2 ? 2 : 1;
}

/** One render of a pipeline, in both forms: whole, or issued now and collected later. */
export interface DepthRender {
  /** Renders the frame and returns its image (depth 1). */
  render(): Promise<Image>;
  /** Issues the frame's work (depth 2); undefined when the pipeline cannot split its render. */
  issue: (() => Promise<InFlightFrame>) | undefined;
}

/** The frame (at most one) a pipeline has in flight between two renders. */
export class FrameDepth {
  private held: { frame: InFlightFrame; index: number } | undefined;
  private shown = false;

  /** Whether a frame is in flight (issued, not yet collected). */
  get inFlight(): boolean {
    return this.held !== undefined;
  }

  /**
   * One render at `depth` for the frame numbered `index`: an image, or undefined while the throughput loop fills.
   * An index that does not follow the frame in flight (a new epoch: the pipeline came back from warm, or was
   * reloaded) drops that frame first: it belongs to a stream the outputs have left.
   */
  async render(depth: LoopDepth, index: number, r: DepthRender): Promise<Image | undefined> {
    if (this.held && index <= this.held.index) await this.flush();
    if (depth === 1 || !r.issue || !this.shown) {
      const held = this.take();
      const image = await (held ? held.collect() : r.render());
      this.shown = true;
      return image;
    }
    const next = await r.issue();
    const prev = this.take();
    this.held = { frame: next, index };
    if (!prev) return undefined;
    const image = await prev.collect();
    this.shown = true;
    return image;
  }

  /** Whether a render at `depth` is a plain one: nothing in flight and nothing to issue (the latency loop). */
  plain(depth: LoopDepth, canIssue: boolean): boolean {
    return !this.held && (depth === 1 || !canIssue);
  }

  /** Told that a plain render (done by the caller, see `plain`) showed its frame. */
  plainShown(): void {
    this.shown = true;
  }

  /** Drops the frame in flight, releasing what it holds (unload, a new epoch). */
  async flush(): Promise<void> {
    const held = this.take();
    await held?.drop().catch(() => {});
  }

  private take(): InFlightFrame | undefined {
    const held = this.held?.frame;
    this.held = undefined;
    return held;
  }
}

/**
 * A frame in flight over a promise already started (the session's run, sent when it was made): its rejection is
 * held for `collect`, never reported as unhandled while the frame waits its turn.
 */
export function inFlight(work: Promise<Image>, release: () => Promise<void> = async () => {}): InFlightFrame {
  work.catch(() => {});
  return {
    collect: async () => {
      try {
        return await work;
      } finally {
        await release();
      }
    },
    drop: async () => {
      await work.catch(() => {});
      await release();
    },
  };
}
