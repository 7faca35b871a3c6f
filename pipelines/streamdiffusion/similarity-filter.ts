/** Cosine similarity of two equally long vectors (1 for identical directions; 1 when both are all zero). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

export interface SimilarityOptions {
  /** Similarity above which frames may be skipped, e.g. 0.98. */
  threshold: number;
  /** Skipped frames in a row after which one is rendered whatever the similarity. */
  maxSkipFrames: number;
}

/**
 * StreamDiffusion's stochastic similarity filter: an input frame almost the same as the last one rendered is
 * skipped with a probability that rises from 0 at the threshold to 1 for an identical frame, so a still camera
 * costs no GPU time while a slow change still gets through now and then.
 */
export class SimilarityFilter {
  private reference: Float32Array | undefined;
  private skipped = 0;
  /** Similarity of the last frame checked, for the log and tests. */
  lastSimilarity = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** True when `frame` should not be rendered (the previous output is shown again). */
  shouldSkip(frame: Float32Array, o: SimilarityOptions): boolean {
    const ref = this.reference;
    if (!ref || ref.length !== frame.length) return this.keep(frame);
    const sim = (this.lastSimilarity = cosineSimilarity(ref, frame));
    if (sim < o.threshold || this.skipped >= o.maxSkipFrames) return this.keep(frame);
    const probability = o.threshold >= 1 ? (sim >= 1 ? 1 : 0) : (sim - o.threshold) / (1 - o.threshold);
    if (this.random() < probability) {
      this.skipped++;
      return true;
    }
    return this.keep(frame);
  }

  reset(): void {
    this.reference = undefined;
    this.skipped = 0;
  }

  // The reference is the last frame that was rendered, so a slow drift accumulates until it passes.
  private keep(frame: Float32Array): false {
    this.reference = frame;
    this.skipped = 0;
    return false;
  }
}
