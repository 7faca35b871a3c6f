/** Shape of `/api/v1/plugins`: every pipeline plugin found at start, loaded or not. */
import { z } from 'zod';

export const pluginReportSchema = z.object({
  /** The `--plugin` path as given, or the installed package's name. */
  source: z.string(),
  /** The module imported, when one was found. */
  entry: z.string().nullable(),
  state: z.enum(['loaded', 'failed']),
  /** Ids of the pipelines it registered. */
  pipelines: z.array(z.string()),
  /** Why it failed, as a sentence; null when loaded. */
  error: z.string().nullable(),
});
export type PluginReport = z.infer<typeof pluginReportSchema>;

/** GET /api/v1/plugins. */
export const pluginListSchema = z.array(pluginReportSchema);
