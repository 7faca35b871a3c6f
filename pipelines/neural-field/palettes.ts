/**
 * Cosine palettes in the manner of Inigo Quilez: colour(t) = a + b * cos(2π (c t + d)), per channel. The graph
 * evaluates them per pixel from the network's fourth output, so a palette change is only new input values.
 */
export interface CosinePalette {
  a: [number, number, number];
  b: [number, number, number];
  c: [number, number, number];
  d: [number, number, number];
}

export const palettes = {
  neon: { a: [0.5, 0.5, 0.5], b: [0.5, 0.5, 0.5], c: [1, 1, 1], d: [0.0, 0.33, 0.67] },
  oil: { a: [0.5, 0.5, 0.5], b: [0.5, 0.5, 0.5], c: [1, 0.7, 0.4], d: [0.0, 0.15, 0.2] },
  fire: { a: [0.6, 0.3, 0.1], b: [0.5, 0.35, 0.15], c: [0.5, 0.5, 0.5], d: [0.5, 0.55, 0.6] },
  ocean: { a: [0.15, 0.4, 0.55], b: [0.15, 0.3, 0.35], c: [1, 1, 1], d: [0.6, 0.5, 0.45] },
  candy: { a: [0.8, 0.5, 0.4], b: [0.2, 0.4, 0.2], c: [2, 1, 1], d: [0.0, 0.25, 0.25] },
  mono: { a: [0.5, 0.5, 0.5], b: [0.5, 0.5, 0.5], c: [1, 1, 1], d: [0, 0, 0] },
} satisfies Record<string, CosinePalette>;

export type PaletteName = keyof typeof palettes;

/** Colour modes offered by the pipeline: the network's own colours, then the cosine palettes. */
export const colourModes = ['rgb', ...(Object.keys(palettes) as PaletteName[])] as const;
