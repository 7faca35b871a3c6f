/** Beat arithmetic of quantised changes: which beat a change waits for. */
import type { Quantize } from '../../shared/perform';

/** Beats per step of a quantise setting; 0 for `off`. */
export function quantumBeats(q: Quantize, beatsPerBar: number): number {
  if (q === 'off') return 0;
  if (q === 'beat') return 1;
  if (q === 'bar') return beatsPerBar;
  return Number.parseInt(q, 10) * beatsPerBar;
}

/**
 * The next boundary at or after `beat`: the next beat, bar or multiple of N bars (counted from beat 0). A change
 * arriving right on a boundary (within a millionth of a beat) lands on it.
 */
export function nextBoundary(beat: number, q: Quantize, beatsPerBar: number): number {
  const step = quantumBeats(q, beatsPerBar);
  if (step === 0) return beat;
  return Math.ceil(beat / step - 1e-6) * step;
}
