/**
 * Shapes of DMX control (control/dmx), shared by the server and the panel: channel -> parameter mappings, the
 * status of the Art-Net and sACN listeners and the bodies of the `/api/v1/dmx` routes.
 */
import { z } from 'zod';
import { mappingIdSchema, midiCurveSchema } from './midi';

export const dmxProtocolSchema = z.enum(['artnet', 'sacn']);
export type DmxProtocol = z.infer<typeof dmxProtocolSchema>;

/** Art-Net port-addresses are 15 bits (0-32767); sACN universes are 1-63999 (E1.31 section 6.2.7). */
export const UNIVERSE_RANGE: Record<DmxProtocol, [number, number]> = { artnet: [0, 32767], sacn: [1, 63999] };

/** A DMX slot as lighting people count them: 1-512. */
export const dmxChannelSchema = z.number().int().min(1).max(512);

const mappingShape = {
  id: mappingIdSchema,
  param: z.string().min(1).max(200),
  protocol: dmxProtocolSchema,
  universe: z.number().int().min(0).max(63999),
  /** The channel (the coarse byte of a 16-bit pair). */
  channel: dmxChannelSchema,
  /** The fine byte of a 16-bit pair; `null` = 8 bits. */
  fine: dmxChannelSchema.nullable(),
  /** Range in the parameter's units; `null` = the parameter's own min/max. */
  min: z.number().nullable(),
  max: z.number().nullable(),
  curve: midiCurveSchema,
  invert: z.boolean(),
};

/** Refuses what zod's shape alone cannot: a universe outside the protocol's range, a pair on one channel. */
const checked = <
  T extends z.ZodType<{ protocol: DmxProtocol; universe: number; channel: number; fine?: number | null }>,
>(
  schema: T,
) =>
  schema.superRefine((m, ctx) => {
    const [lo, hi] = UNIVERSE_RANGE[m.protocol];
    if (m.universe < lo || m.universe > hi) {
      ctx.addIssue({
        code: 'custom',
        path: ['universe'],
        message: `${m.protocol} universes are ${lo}-${hi}; ${m.universe} is not one`,
      });
    }
    if (m.fine !== null && m.fine !== undefined && m.fine === m.channel) {
      ctx.addIssue({ code: 'custom', path: ['fine'], message: 'the fine channel must differ from the coarse one' });
    }
  });

/** One binding of a DMX channel (or a coarse/fine pair) to a parameter. */
export const dmxMappingSchema = checked(z.strictObject(mappingShape));
export type DmxMapping = z.infer<typeof dmxMappingSchema>;

/** A mapping as a request gives it: what is left out gets the defaults (8 bits, the parameter's range, linear). */
export const newDmxMappingSchema = checked(
  z.strictObject({
    ...mappingShape,
    id: mappingIdSchema.optional(),
    fine: mappingShape.fine.optional(),
    min: mappingShape.min.optional(),
    max: mappingShape.max.optional(),
    curve: mappingShape.curve.optional(),
    invert: mappingShape.invert.optional(),
  }),
);
export type NewDmxMapping = z.infer<typeof newDmxMappingSchema>;

/** The mappings file and the body of PUT /api/v1/dmx/mappings. */
export const dmxMappingsDocumentSchema = z.strictObject({
  version: z.literal(1).optional(),
  mappings: z.array(newDmxMappingSchema).max(4096),
});
export type DmxMappingsDocument = z.infer<typeof dmxMappingsDocumentSchema>;

export const dmxMappingsResponseSchema = z.object({ mappings: z.array(dmxMappingSchema) });
export type DmxMappingsResponse = z.infer<typeof dmxMappingsResponseSchema>;

/** POST /api/v1/dmx/learn: the next channel that moves drives `param` (a 16-bit pair with `bits: 16`). */
export const dmxLearnBodySchema = z.strictObject({
  param: z.string().min(1).max(200),
  bits: z.union([z.literal(8), z.literal(16)]).optional(),
  timeoutMs: z.number().int().min(1000).max(600_000).optional(),
});
export type DmxLearnBody = z.infer<typeof dmxLearnBodySchema>;

export const dmxLearningSchema = z
  .object({ param: z.string(), bits: z.union([z.literal(8), z.literal(16)]), since: z.number() })
  .nullable();
export type DmxLearning = z.infer<typeof dmxLearningSchema>;

export const dmxLearnResponseSchema = z.object({ learning: dmxLearningSchema });

/** One listener (Art-Net or sACN): on and where, or off and why. */
export const dmxListenerSchema = z.object({
  enabled: z.boolean(),
  reason: z.string().nullable(),
  host: z.string(),
  port: z.number(),
  /** Packets heard, applied or not. */
  received: z.number(),
  /** Packets refused, by reason (`short`, `bad_id`, `out_of_order`…). */
  rejected: z.record(z.string(), z.number()),
});
export type DmxListenerStatus = z.infer<typeof dmxListenerSchema>;

export const dmxStatusSchema = z.object({
  artnet: dmxListenerSchema,
  sacn: dmxListenerSchema,
  /** How universes from several sources combine. */
  merge: z.enum(['ltp', 'htp']),
  learning: dmxLearningSchema,
  mappings: z.array(dmxMappingSchema),
  /** Parameter writes made from DMX (one per changed mapped channel per frame at most). */
  applied: z.number(),
  saveError: z.string().optional(),
});
export type DmxStatus = z.infer<typeof dmxStatusSchema>;
