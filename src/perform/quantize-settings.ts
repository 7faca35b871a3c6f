/** The default quantise of each surface; an explicit `quantize` on a change wins over it. */
import type { Quantize } from '../shared/perform';

export const SURFACES = ['http', 'ws', 'osc', 'midi', 'preset', 'cue'] as const;
export type Surface = (typeof SURFACES)[number];

/** The surface of a store source: `midi:Pad` is `midi`, `ws:3` is `ws`. */
export const surfaceOf = (source: string): string => source.split(':')[0]!;

export class QuantizeSettings {
  private readonly bySurface = new Map<string, Quantize>(SURFACES.map((s) => [s, 'off']));

  /** The setting for a store source (`off` for sources that are no surface: fades, takes, the crossfader). */
  forSource(source: string): Quantize {
    return this.bySurface.get(surfaceOf(source)) ?? 'off';
  }

  /** Sets one surface, or every surface when `surface` is left out. */
  set(quantize: Quantize, surface?: Surface): void {
    for (const s of surface ? [surface] : SURFACES) this.bySurface.set(s, quantize);
  }

  all(): Record<string, Quantize> {
    return Object.fromEntries(this.bySurface);
  }
}
