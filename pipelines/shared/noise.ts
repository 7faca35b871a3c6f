import { gaussian, mulberry32 } from '../../src/runtime/seeded-random';

/** Standard normal noise of `size` values from `seed`, the same on every machine. */
export function seededNoise(seed: number, size: number): Float32Array {
  const randn = gaussian(mulberry32(seed));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = randn();
  return out;
}

/**
 * The fixed noise of each denoising stage. StreamDiffusion keeps one noise tensor per stage rather than drawing
 * fresh noise every frame: consecutive frames then land on the same trajectory and the video does not flicker.
 * `drift` walks the noise on the unit sphere (cos θ·n + sin θ·m keeps it standard normal) for slow motion.
 */
export class NoiseBank {
  stages: Float32Array[] = [];
  private seed = 0;
  private draws = 0;

  constructor(
    private readonly size: number,
    count: number,
    seed: number,
  ) {
    this.reset(count, seed);
  }

  /** Fresh stage noises for `seed`; the same seed gives the same noises. */
  reset(count: number, seed: number): void {
    this.seed = seed;
    this.draws = 0;
    this.stages = Array.from({ length: count }, (_, i) => seededNoise(seed * 1009 + i * 7919 + 1, this.size));
  }

  /** Rotates every stage's noise towards new noise by `amount` (0 = none, 1 = entirely new). */
  drift(amount: number): void {
    if (amount <= 0) return;
    const theta = (Math.min(1, amount) * Math.PI) / 2;
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    // New arrays, not updates in place: latents already in the stream keep the noise they were made with.
    this.stages = this.stages.map((n) => {
      const m = seededNoise(this.seed * 7 + 104729 + this.draws++ * 15485863, this.size);
      return Float32Array.from(n, (v, i) => c * v + s * m[i]!);
    });
  }
}
