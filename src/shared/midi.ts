/**
 * Shapes of MIDI control, shared by the server (control/midi) and the web panel: mappings, the service status and
 * the bodies of the `/api/v1/midi` routes. Types are inferred from the schemas so both sides agree.
 */
import { z } from 'zod';
import { nameSchema } from './names';
import { quantizeSchema } from './perform';

/** A MIDI channel as people count them (1-16); `null` in a mapping means any channel (omni). */
export const midiChannelSchema = z.number().int().min(1).max(16);

export const noteModeSchema = z.enum(['momentary', 'toggle', 'trigger']);
export type NoteMode = z.infer<typeof noteModeSchema>;

export const midiCurveSchema = z.enum(['linear', 'log', 'exp']);
export type MidiCurve = z.infer<typeof midiCurveSchema>;

const num7 = z.number().int().min(0).max(127);
const num14 = z.number().int().min(0).max(16383);

/** The physical control a mapping listens to. */
export const midiControlSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('cc'), number: num7 }),
  /** A 14-bit pair: MSB on `number` (0-31), LSB on `number + 32`. */
  z.strictObject({ kind: z.literal('cc14'), number: z.number().int().min(0).max(31) }),
  z.strictObject({ kind: z.literal('nrpn'), number: num14 }),
  z.strictObject({ kind: z.literal('rpn'), number: num14 }),
  z.strictObject({ kind: z.literal('note'), note: num7, mode: noteModeSchema }),
  z.strictObject({ kind: z.literal('pitchbend') }),
  z.strictObject({ kind: z.literal('program') }),
]);
export type MidiControl = z.infer<typeof midiControlSchema>;
export type MidiControlKind = MidiControl['kind'];

export const mappingIdSchema = nameSchema('MIDI mapping', 64).regex(
  /^[A-Za-z0-9_-]+$/,
  'letters, digits, - and _ only',
);

/** The `id` in /api/v1/midi/mappings/:id. */
export const mappingParamsSchema = z.object({ id: z.string() });

/** One binding of a physical control to a parameter. */
export const midiMappingSchema = z.strictObject({
  id: mappingIdSchema,
  param: z.string().min(1).max(200),
  /** Input port name; `null` = any input. */
  device: z.string().min(1).max(200).nullable(),
  channel: midiChannelSchema.nullable(),
  control: midiControlSchema,
  /** Range in the parameter's units; `null` = the parameter's own min/max. */
  min: z.number().nullable(),
  max: z.number().nullable(),
  curve: midiCurveSchema,
  invert: z.boolean(),
  /** Pickup: the control does nothing until it reaches the current value. */
  softTakeover: z.boolean(),
  /** Changes from this control wait for the next beat/bar (`beat`, `bar`, `4bars`); left out: the MIDI default. */
  quantize: quantizeSchema.optional(),
});
export type MidiMapping = z.infer<typeof midiMappingSchema>;

/** POST /midi/mappings: a new mapping; what is left out gets the defaults (any device, omni, the param's range). */
export const newMappingSchema = z.strictObject({
  id: mappingIdSchema.optional(),
  param: midiMappingSchema.shape.param,
  device: midiMappingSchema.shape.device.optional(),
  channel: midiMappingSchema.shape.channel.optional(),
  control: midiControlSchema,
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  curve: midiCurveSchema.optional(),
  invert: z.boolean().optional(),
  softTakeover: z.boolean().optional(),
  quantize: quantizeSchema.optional(),
});
export type NewMapping = z.infer<typeof newMappingSchema>;

/** PATCH /midi/mappings/:id: the adjustable parts; `mode` applies to note mappings only. */
export const mappingPatchSchema = z.strictObject({
  device: midiMappingSchema.shape.device.optional(),
  channel: midiMappingSchema.shape.channel.optional(),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  curve: midiCurveSchema.optional(),
  invert: z.boolean().optional(),
  softTakeover: z.boolean().optional(),
  quantize: quantizeSchema.optional(),
  mode: noteModeSchema.optional(),
});
export type MappingPatch = z.infer<typeof mappingPatchSchema>;

/** The mappings file, the export download and the PUT import body: all the same shape. */
export const mappingsDocumentSchema = z.strictObject({
  version: z.literal(1).optional(),
  mappings: z.array(midiMappingSchema).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((m, i) => {
      if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id "${m.id}"` });
      seen.add(m.id);
    });
  }),
});
export type MappingsDocument = z.infer<typeof mappingsDocumentSchema>;

/** POST /midi/learn: arm `param`; the next moving control binds to it. */
export const learnBodySchema = z.strictObject({
  param: z.string().min(1).max(200),
  /** Mode for a note, when a note is what moves; left out: chosen by the parameter's kind. */
  mode: noteModeSchema.optional(),
  /** How long to wait for a control, 1 s to 10 min. */
  timeoutMs: z.number().int().min(1000).max(600_000).optional(),
});
export type LearnBody = z.infer<typeof learnBodySchema>;

export const learningSchema = z.object({ param: z.string(), since: z.number() }).nullable();
export type Learning = z.infer<typeof learningSchema>;

export const midiPortSchema = z.object({ name: z.string(), open: z.boolean() });
export type MidiPort = z.infer<typeof midiPortSchema>;

/** GET /midi and every `midi` event on the WebSocket. */
export const midiStatusSchema = z.object({
  available: z.boolean(),
  /** Why MIDI is unavailable or off. */
  reason: z.string().optional(),
  inputs: z.array(midiPortSchema),
  outputs: z.array(midiPortSchema),
  learning: learningSchema,
  mappings: z.array(midiMappingSchema),
  /** MIDI messages received since start. */
  received: z.number(),
  /** Ports that failed to open, sends that failed, writes the store refused, saves that failed. */
  errors: z.number(),
  /** Why the last change of the mappings could not be saved (it was undone); gone after the next save that works. */
  saveError: z.string().optional(),
});
export type MidiStatus = z.infer<typeof midiStatusSchema>;

/** Answers of the mapping routes. */
export const mappingResponseSchema = z.object({ mapping: midiMappingSchema });
export type MappingResponse = z.infer<typeof mappingResponseSchema>;
export const mappingsResponseSchema = z.object({ mappings: z.array(midiMappingSchema) });
export type MappingsResponse = z.infer<typeof mappingsResponseSchema>;
export const learnResponseSchema = z.object({ learning: learningSchema });
export type LearnResponse = z.infer<typeof learnResponseSchema>;
