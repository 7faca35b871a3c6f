/**
 * A show file (`*.scope-show.json`, GET/PUT /api/v1/show): one document holding a whole show — the pipeline and
 * its values, presets, cues, timeline, modulators, MIDI and DMX mappings, outputs and input settings, the timecode
 * settings and the output delay — and what it
 * needs on disk (models, LoRAs, plugins) with their hashes. Older versions are lifted to this one by the migration
 * table (src/show-file/migrate.ts) before this schema reads them.
 */
import { z } from 'zod';
import { errorBodySchema, paramValueSchema } from './api';
import { presetSchema } from './presets';
import { cueSchema, modulatorSchema, timelineSchema } from './perform';
import { midiMappingSchema } from './midi';
import { newDmxMappingSchema } from './dmx';
import { fitModes } from './inputs';
import { chaseSettingsSchema, timecodeRateSchema, timecodeSourceSchema } from './timecode';
import { outputDelayBodySchema } from './latency';
import { LORA_NAME } from './loras';

/** What the `format` field of every show file says: a JSON file without it is not a show file. */
export const SHOW_FORMAT = 'daydream-scope-show';
/** The version this server writes; files of older versions are migrated, newer ones refused. */
export const SHOW_VERSION = 2;

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lower-case hex digits');
const values = z.record(z.string(), paramValueSchema);

/** One file of a model as its manifest pins it. */
export const showModelFileSchema = z.strictObject({
  repo: z.string().max(200),
  revision: z.string().max(200),
  file: z.string().max(500),
  sha256: sha256Schema.nullable(),
});

export const showModelSchema = z.strictObject({
  /** The id `daydream-scope download <id>` takes. */
  id: z.string().min(1).max(200),
  files: z.array(showModelFileSchema).max(100),
});

/** A LoRA file, by name in the models folder's `loras/`. */
export const showLoraSchema = z.strictObject({
  name: z.string().regex(LORA_NAME, 'a LoRA is named by its file name in loras/ without the extension, not by a path'),
  sha256: sha256Schema,
});

/** A pipeline plugin: its source (`--plugin` path or package name), the pipelines it gave and its entry's hash. */
export const showPluginSchema = z.strictObject({
  source: z.string().min(1).max(1000),
  pipelines: z.array(z.string()).max(100),
  sha256: sha256Schema.nullable(),
});

export const showOutputSchema = z.strictObject({
  id: z.string().min(1).max(100),
  enabled: z.boolean(),
  options: z.record(z.string(), z.unknown()),
});

export const showFileSchema = z.strictObject({
  format: z.literal(SHOW_FORMAT),
  version: z.literal(SHOW_VERSION),
  /** When and by what it was written; for people, never checked. */
  savedAt: z.string().max(100).optional(),
  scopeVersion: z.string().max(100).optional(),
  pipeline: z.strictObject({ id: z.string().min(1).max(200), values }).nullable(),
  tempo: z.strictObject({ bpm: z.number().min(20).max(999) }),
  /** Presets of every pipeline, by pipeline id, in recall order. */
  presets: z.record(z.string(), z.array(presetSchema).max(999)),
  cues: z.array(cueSchema).max(999),
  timeline: timelineSchema,
  modulators: z.array(modulatorSchema).max(64),
  midi: z.strictObject({ mappings: z.array(midiMappingSchema).max(4096) }),
  dmx: z.strictObject({ mappings: z.array(newDmxMappingSchema).max(4096) }),
  outputs: z.array(showOutputSchema).max(64),
  input: z.strictObject({ source: z.string().max(200).nullable(), fit: z.enum(fitModes) }),
  /** Since version 2. The source is a start flag (`--timecode`): a server started with another one keeps its own. */
  timecode: z.strictObject({ source: timecodeSourceSchema, rate: timecodeRateSchema, chase: chaseSettingsSchema }),
  /** Since version 2: how long every output holds the picture back, in milliseconds or beats. */
  outputDelay: outputDelayBodySchema,
  needs: z.strictObject({
    models: z.array(showModelSchema).max(100),
    loras: z.array(showLoraSchema).max(100),
    plugins: z.array(showPluginSchema).max(100),
  }),
});
export type ShowFile = z.infer<typeof showFileSchema>;
export type ShowNeeds = ShowFile['needs'];

/** Something the show needs that this server lacks, and how to get it where there is a way. */
export const showMissingSchema = z.object({
  kind: z.enum(['model', 'lora', 'plugin', 'pipeline']),
  name: z.string(),
  sha256: z.string().nullable(),
  /** Why it counts as missing: not there, another file (hash), unknown here. */
  reason: z.string(),
  /** The command and the route that fetch it, for models this server has a manifest of. */
  download: z.object({ command: z.string(), route: z.string(), body: z.object({ model: z.string() }) }).optional(),
});
export type ShowMissing = z.infer<typeof showMissingSchema>;

/** PUT /api/v1/show's answer: what was applied, and what was left as it is here (and why). */
export const showImportReportSchema = z.object({
  applied: z.array(z.string()),
  /** From a file of an older version: the versions it went through. */
  migrated: z.array(z.number()),
  notes: z.array(z.string()),
});
export type ShowImportReport = z.infer<typeof showImportReportSchema>;

/** PUT /api/v1/show's refusal (409) when the show needs what this server lacks: the sentence, and each thing. */
export const showIncompleteSchema = errorBodySchema.extend({ missing: z.array(showMissingSchema) });
export type ShowIncomplete = z.infer<typeof showIncompleteSchema>;
