import { blendImages } from '../image-blend';
import type { Image } from '../frame';

/**
 * The post-processor after `pipeline.render`: makes the frames between two rendered images. The engine shows
 * them, paced at the output rate, before the newer image itself (see engine.ts).
 */
export interface FrameInterpolator {
  /** The images between `a` (time 0) and `b` (time 1) at each of `times` (strictly between 0 and 1), in order. */
  between(a: Image, b: Image, times: readonly number[]): Promise<Image[]>;
}

/** The frames between two images as a plain crossfade on the CPU: the fallback when a graph cannot run. */
export const blendInterpolator: FrameInterpolator = {
  between: (a, b, times) => Promise.resolve(times.map((t) => blendImages(a, b, t))),
};

/** The `interpolate` parameter's value as a factor 1..4 (anything else is off). */
export function interpolationOf(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 2 && value <= 4 ? value : 1;
}

/** The in-between times of a factor `k`: 1/k .. (k-1)/k. */
export function inBetweenTimes(k: number): number[] {
  return Array.from({ length: k - 1 }, (_, i) => (i + 1) / k);
}

/**
 * The `k` frames that go out for the rendered image `next`, itself last: the in-betweens from `prev` when there
 * is one of the same size, else `next` held (the first frame of a pipeline, a new size). A failing interpolator
 * gives the crossfade instead: the outputs keep their rate whatever happens here.
 */
export async function segmentOf(
  interpolator: FrameInterpolator,
  prev: Image | undefined,
  next: Image,
  k: number,
): Promise<Image[]> {
  if (k <= 1) return [next];
  const times = inBetweenTimes(k);
  if (!prev || prev.width !== next.width || prev.height !== next.height) return [...times.map(() => next), next];
  let frames: Image[];
  try {
    frames = await interpolator.between(prev, next, times);
  } catch {
    // The interpolator reports its own failure (log); this segment still goes out, as a crossfade.
    frames = await blendInterpolator.between(prev, next, times);
  }
  return [...frames, next];
}
