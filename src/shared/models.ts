/** Shapes of `/api/v1/models` and the `models` event: model files on disk and their downloads. */
import { z } from 'zod';

export const modelStateSchema = z.enum(['missing', 'partial', 'downloading', 'ready', 'error']);
export type ModelState = z.infer<typeof modelStateSchema>;
export type FileState = Exclude<ModelState, 'error'>;

export const fileStatusSchema = z.object({
  repo: z.string(),
  revision: z.string(),
  file: z.string(),
  role: z.string(),
  /** Size in bytes: the manifest's exact one, else as the server told it, else the manifest's rounded one, else null. */
  size: z.number().nullable(),
  /** Whether `size` is only the manifest's rounded `approxBytes`. */
  approximate: z.boolean(),
  /** Bytes on disk (the whole file, or the `.incomplete` part). */
  present: z.number(),
  state: modelStateSchema.exclude(['error']),
});
export type FileStatus = z.infer<typeof fileStatusSchema>;

export const modelProgressSchema = z.object({
  bytes: z.number(),
  total: z.number().nullable(),
  /** Bytes per second over the last seconds; 0 when nothing is downloading. */
  rate: z.number(),
  /** Seconds left, null when unknown. */
  eta: z.number().nullable(),
});
export type ModelProgress = z.infer<typeof modelProgressSchema>;

export const modelStatusSchema = z.object({
  id: z.string(),
  pipeline: z.string(),
  description: z.string(),
  state: modelStateSchema,
  files: z.array(fileStatusSchema),
  progress: modelProgressSchema,
  /** Why the last download failed (or why the manifest is unusable); null otherwise. */
  error: z.string().nullable(),
  /**
   * For one export of a model offered in several: where it runs (`whole on cuda, dml; lowered on cpu, webgpu`),
   * by the op-set tables, and whether its file list was seen on the Hub. Absent for a model with one export.
   */
  runs: z.string().optional(),
});
export type ModelStatus = z.infer<typeof modelStatusSchema>;

/** Files only an exporter makes (src/models/exports.ts): whether they are here, and the command that writes them. */
export const exportStatusSchema = z.object({
  id: z.string(),
  pipeline: z.string(),
  /** The model it goes with (`sd-turbo`). */
  of: z.string(),
  description: z.string(),
  state: z.enum(['ready', 'missing']),
  /** Its files not in the models folder, as paths inside it. */
  missing: z.array(z.string()),
  command: z.string(),
});
export type ExportStatus = z.infer<typeof exportStatusSchema>;

/** GET /api/v1/models/status and the `models` event. */
export const modelsStatusSchema = z.object({
  dir: z.string(),
  models: z.array(modelStatusSchema),
  /** Exported files (ControlNets) that are not downloadable; absent from a server that declares none. */
  exports: z.array(exportStatusSchema).optional(),
});
export type ModelsStatus = z.infer<typeof modelsStatusSchema>;

/** POST /api/v1/models/download. */
export const downloadBodySchema = z.object({
  model: z.string().min(1).max(200),
  /** For a model with several exports: the one to download (default: the one this server's provider runs best). */
  variant: z.string().min(1).max(100).optional(),
});

/** Answer of POST /api/v1/models/download: ready already (200), or downloading (202; `joined` one that ran). */
export const downloadResponseSchema = z.object({
  model: z.string(),
  state: z.enum(['ready', 'downloading']),
  joined: z.boolean(),
});
export type DownloadResponse = z.infer<typeof downloadResponseSchema>;
