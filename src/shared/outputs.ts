/** Shapes of `/api/v1/outputs` and the `outputs` event: every sink with its state. */
import { z } from 'zod';

export const outputKindSchema = z.enum(['webrtc', 'whip', 'ndi', 'syphon', 'spout', 'mjpeg', 'recording', 'dmx']);
export type OutputKind = z.infer<typeof outputKindSchema>;

export const outputStateSchema = z.enum(['off', 'starting', 'running', 'error', 'unavailable']);
export type OutputState = z.infer<typeof outputStateSchema>;

/** What an output sends: the engine's frames, or the conditioning picture (depth, edges) the pipeline is given. */
export const outputSourceSchema = z.enum(['output', 'conditioning']);
export type OutputSource = z.infer<typeof outputSourceSchema>;

/** The link of an output that sends to a remote endpoint (WHIP push): where it stands and what it sends. */
export const outputLinkSchema = z.object({
  state: z.enum(['idle', 'connecting', 'connected', 'reconnecting']),
  /** Video bitrate measured over the last second (kbit/s). */
  bitrateKbps: z.number(),
  /** Reconnections since the output started. */
  reconnects: z.number(),
  /** The last problem (an HTTP status, a failed ICE link), until the link is up again. */
  problem: z.string().optional(),
});
export type OutputLink = z.infer<typeof outputLinkSchema>;

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
  link: outputLinkSchema.optional(),
  /** Set for an output that sends the conditioning picture instead of the engine's frames. */
  source: outputSourceSchema.optional(),
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
