/**
 * StreamDiffusionV2's motion-aware noise controller (streamv2v/inference.py compute_noise_scale_and_step): more
 * motion in the input means less noise, so fast movement keeps its shape and still scenes get restyled more.
 *   d = clamp(max over frames of RMS(frame_t - frame_{t-1}) / 0.2, 0, 1)   (pixels in [-1, 1])
 *   s = (s_init - 0.1·d)·0.9 + s_prev·0.1
 * and the first denoising step becomes int(1000·s) - 100.
 */

/** The motion amount d of a chunk of frames ([3, H, W] each) following `previous` (the last frame before it). */
export function motionAmount(previous: Float32Array | undefined, frames: readonly Float32Array[]): number {
  let worst = 0;
  let before = previous;
  for (const frame of frames) {
    if (before) {
      let sum = 0;
      for (let i = 0; i < frame.length; i++) {
        const d = frame[i]! - before[i]!;
        sum += d * d;
      }
      worst = Math.max(worst, Math.sqrt(sum / frame.length));
    }
    before = frame;
  }
  return Math.min(1, Math.max(0, worst / 0.2));
}

/** The first denoising step of a video block at noise scale s (upstream: int(1000·s) - 100), at least 1. */
export const firstStepFor = (s: number) => Math.max(1, Math.trunc(1000 * s) - 100);

/** The controller's state across chunks. */
export class NoiseController {
  private scale: number | undefined;
  private last: Float32Array | undefined;

  /** The noise scale for this chunk: `initial` as is when off, else eased by the chunk's motion. */
  next(initial: number, frames: readonly Float32Array[], enabled: boolean): number {
    const d = motionAmount(this.last, frames);
    this.last = frames[frames.length - 1] ?? this.last;
    if (!enabled) {
      this.scale = initial;
      return initial;
    }
    const previous = this.scale ?? initial;
    this.scale = (initial - 0.1 * d) * 0.9 + previous * 0.1;
    return this.scale;
  }

  reset(): void {
    this.scale = undefined;
    this.last = undefined;
  }
}
