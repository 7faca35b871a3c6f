/** LFO waves: a phase in cycles in, a value in -1..1 out. Random shapes are seeded, so a wave replays the same. */
import type { LfoShape } from '../../shared/perform';

/** A value in 0..1 for cycle `n` of seed `seed` (an integer hash: the same cycle always gives the same value). */
export function cycleRandom(n: number, seed: number): number {
  let h = (Math.imul(n | 0, 0x27d4eb2d) ^ Math.imul(seed | 0, 0x165667b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

const frac = (x: number) => x - Math.floor(x);

/** The wave `shape` at `cycles` (phase in cycles, any real number). */
export function lfoValue(shape: LfoShape, cycles: number, seed = 1): number {
  const p = frac(cycles);
  switch (shape) {
    case 'sine':
      return Math.sin(2 * Math.PI * p);
    case 'triangle':
      return 1 - 4 * Math.abs(frac(cycles + 0.25) - 0.5);
    case 'saw':
      return 2 * p - 1;
    case 'square':
      return p < 0.5 ? 1 : -1;
    case 'sample-hold':
      return 2 * cycleRandom(Math.floor(cycles), seed) - 1;
    case 'smooth-random': {
      const n = Math.floor(cycles);
      const a = cycleRandom(n, seed);
      const b = cycleRandom(n + 1, seed);
      // Cosine easing: the slope is zero at each new random point, so the wave never kinks.
      const k = (1 - Math.cos(Math.PI * p)) / 2;
      return 2 * (a + (b - a) * k) - 1;
    }
  }
}
