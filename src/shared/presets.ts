/** Shapes of `/api/v1/presets` and the `presets` event: named snapshots of a pipeline's values. */
import { z } from 'zod';
import { paramPatchSchema, paramValueSchema } from './api';

const valuesSchema = z.record(z.string(), paramValueSchema);

export const presetSchema = z.object({ name: z.string(), values: valuesSchema, savedAt: z.string() });
export type Preset = z.infer<typeof presetSchema>;

/** GET /api/v1/presets, the answer of every change, and the `presets` event: one pipeline's presets in order. */
export const presetListSchema = z.object({ pipeline: z.string().nullable(), presets: z.array(presetSchema) });
export type PresetList = z.infer<typeof presetListSchema>;

/** `?pipeline=<id>` lists another pipeline's presets. */
export const presetListQuerySchema = z.object({ pipeline: z.string().optional() });

/** PUT /api/v1/presets/:name: `{}` (or no body) saves the current values, `{"values": {...}}` given ones. */
export const presetSaveBodySchema = z.strictObject({ values: paramPatchSchema.optional() });

/** POST /api/v1/presets/:name/recall: what was applied, and the names this pipeline no longer has. */
export const presetRecallSchema = z.object({
  ok: z.literal(true),
  pipeline: z.string(),
  name: z.string(),
  values: valuesSchema,
  skipped: z.array(z.string()),
});
export type PresetRecall = z.infer<typeof presetRecallSchema>;
