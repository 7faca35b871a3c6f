/** Shape of GET /api/v1/osc/paths: the OSC addresses of the running pipeline, for people wiring a controller. */
import { z } from 'zod';

export const oscPathSchema = z.object({
  address: z.string(),
  /** OSC type tags accepted; the first is the one replies and feedback use. */
  types: z.string(),
  description: z.string(),
  range: z.object({ min: z.number(), max: z.number() }).optional(),
  options: z.array(z.string()).readonly().optional(),
});
export type OscPath = z.infer<typeof oscPathSchema>;

export const oscPathsResponseSchema = z.object({ pipeline: z.string().nullable(), paths: z.array(oscPathSchema) });
export type OscPathsResponse = z.infer<typeof oscPathsResponseSchema>;
