/** Shapes of `/api/v1/outputs` and the `outputs` event: every sink with its state. */
import { z } from 'zod';

export const outputKindSchema = z.enum(['webrtc', 'ndi', 'syphon', 'spout', 'mjpeg', 'recording']);
export type OutputKind = z.infer<typeof outputKindSchema>;

export const outputStateSchema = z.enum(['off', 'starting', 'running', 'error', 'unavailable']);
export type OutputState = z.infer<typeof outputStateSchema>;

/** One output as GET /api/v1/outputs lists it. */
export const outputInfoSchema = z.object({
  id: z.string(),
  kind: outputKindSchema,
  name: z.string(),
  available: z.boolean(),
  /** Why it is unavailable or failing. */
  reason: z.string().optional(),
  enabled: z.boolean(),
  state: outputStateSchema,
  /** Receivers connected now (WHEP sessions, MJPEG clients, NDI connections). */
  clients: z.number(),
  fps: z.number(),
  dropped: z.number(),
  errors: z.number(),
  options: z.record(z.string(), z.unknown()),
  /** Where to receive it, for people (URLs or source names). */
  urls: z.array(z.string()).optional(),
});
export type OutputInfo = z.infer<typeof outputInfoSchema>;

/** GET /api/v1/outputs and the `outputs` event. */
export const outputListSchema = z.array(outputInfoSchema);

/** The `id` in /api/v1/outputs/:id. */
export const outputParamsSchema = z.object({ id: z.string() });

/** PUT /api/v1/outputs/:id: switch it, change its options (each output checks its own), or both. */
export const outputChangeSchema = z.strictObject({
  enabled: z.boolean().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});
