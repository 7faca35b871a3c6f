/**
 * Latency you can see: per control surface, the time from a change's arrival to the first frame published with
 * it (`GET /api/v1/stats` under `latency`), and the output delay that holds the picture back for a PA.
 */
import { z } from 'zod';

/** The surfaces measured; the panel talks over the WebSocket, so its changes count under `ws`. */
export const LATENCY_SURFACES = ['osc', 'midi', 'dmx', 'ws', 'mcp', 'http'] as const;
export type LatencySurface = (typeof LATENCY_SURFACES)[number];

/** One surface's figures over its sliding window; milliseconds on the engine's clock. */
export const surfaceLatencySchema = z.object({
  p50: z.number(),
  p95: z.number(),
  /** Changes measured in the window (0: nothing measured yet, p50 and p95 are 0). */
  count: z.number().int(),
});
export type SurfaceLatency = z.infer<typeof surfaceLatencySchema>;

export const latencyStatsSchema = z.object(
  Object.fromEntries(LATENCY_SURFACES.map((s) => [s, surfaceLatencySchema])) as Record<
    LatencySurface,
    typeof surfaceLatencySchema
  >,
);
export type LatencyStats = z.infer<typeof latencyStatsSchema>;

/** The longest the picture may be held back. */
export const MAX_OUTPUT_DELAY_MS = 2000;
/** The most beats a delay may be set in (at slow tempos the milliseconds are clamped to MAX_OUTPUT_DELAY_MS). */
export const MAX_OUTPUT_DELAY_BEATS = 16;

/** PUT /api/v1/output-delay: milliseconds or beats (out-of-range numbers are clamped, as parameters are). */
export const outputDelayBodySchema = z.union([
  z.strictObject({ ms: z.number().finite() }),
  z.strictObject({ beats: z.number().finite() }),
]);
export type OutputDelayBody = z.infer<typeof outputDelayBodySchema>;

export const outputDelaySchema = z.object({
  /** The setting: milliseconds, or beats that follow the tempo. */
  unit: z.enum(['ms', 'beats']),
  value: z.number(),
  /** What that is now, in milliseconds (beats at the current tempo, clamped to the maximum). */
  ms: z.number(),
  /** Frames held at this moment, and frames skipped because the held ones reached the memory bound. */
  held: z.number().int(),
  skipped: z.number().int(),
});
export type OutputDelay = z.infer<typeof outputDelaySchema>;
