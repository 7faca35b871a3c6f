import { z } from 'zod';
import { applyFeedback } from './transform';
import type { Image } from '../../src/engine/frame';
import type { Availability, InputSource, SourceContext } from '../source';

export const feedbackOptionsSchema = z.strictObject({
  zoom: z.number().min(0.5).max(2),
  rotate: z.number().min(-45).max(45),
  decay: z.number().min(0).max(1),
  shiftX: z.number().min(-0.25).max(0.25),
  shiftY: z.number().min(-0.25).max(0.25),
});
export type FeedbackOptions = z.infer<typeof feedbackOptionsSchema>;

/** A slow tunnel with a slight turn, fading over about a second at 30 fps. */
export const feedbackDefaults: FeedbackOptions = { zoom: 1.02, rotate: 0.5, decay: 0.92, shiftX: 0, shiftY: 0 };

/**
 * The output fed back as the input, one frame late: the composition root hands every frame the engine publishes
 * to push(), and the next render gets it zoomed, turned and faded. The transform runs only when the frame is used
 * (feedback is the active input), once per frame.
 */
export class FeedbackSource implements InputSource<FeedbackOptions> {
  readonly kind = 'feedback';
  readonly name = 'Feedback';
  readonly optionsSchema = feedbackOptionsSchema.partial();
  private o: FeedbackOptions;
  private ctx: SourceContext | undefined;

  constructor(
    readonly id = 'feedback',
    options: Partial<FeedbackOptions> = {},
  ) {
    this.o = { ...feedbackDefaults, ...options } satisfies FeedbackOptions;
  }

  availability(): Availability {
    return { available: true };
  }

  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    ctx.waiting('waiting for the first output frame');
  }

  async stop(): Promise<void> {
    this.ctx = undefined;
  }

  /** An output frame (the engine's frame listener; returns at once, nothing is computed here). */
  push(frame: Image): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const t = { ...this.o };
    ctx.frame({ width: frame.width, height: frame.height, rgba: () => applyFeedback(frame, t) });
  }

  options(): FeedbackOptions {
    return { ...this.o };
  }

  setOptions(patch: Partial<FeedbackOptions>): void {
    this.o = { ...this.o, ...patch };
  }

  detail(): string {
    const { zoom, rotate, decay } = this.o;
    return `zoom ${zoom} · rotate ${rotate}° · decay ${decay} per frame`;
  }
}
