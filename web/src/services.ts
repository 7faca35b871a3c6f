/** Shapes of the optional services the panel shows when the server has them: outputs, presets, model downloads. */
import { z } from 'zod';
import { paramValueSchema } from '../../src/shared/api';

export const outputSchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  available: z.boolean(),
  reason: z.string().optional(),
  enabled: z.boolean(),
  state: z.string(),
  clients: z.number().default(0),
  fps: z.number().default(0),
  dropped: z.number().default(0),
  options: z.record(z.string(), z.unknown()).default({}),
  /** Where to receive it: URLs or source names (a map of them is accepted too). */
  urls: z.union([z.array(z.string()), z.record(z.string(), z.string()).transform((r) => Object.values(r))]).optional(),
});
export type OutputInfo = z.infer<typeof outputSchema>;

/** A WebRTC output's addresses: its WHEP endpoint and the page OBS's browser source opens. */
export function webrtcUrls(o: OutputInfo): { whep: string; page: string } {
  const urls = o.urls ?? [];
  return {
    whep: urls.find((u) => /\/whep\b/.test(u)) ?? '/whep',
    page: urls.find((u) => /\/output\b/.test(u)) ?? '/output',
  };
}

/** GET /api/v1/outputs answers a list, or `{outputs: [...]}`; both are accepted. */
export const outputsSchema = z.union([
  z.array(outputSchema),
  z.object({ outputs: z.array(outputSchema) }).transform((o) => o.outputs),
]);

export const presetSchema = z.object({
  name: z.string(),
  values: z.record(z.string(), paramValueSchema),
  savedAt: z.string().optional(),
});
export type PresetInfo = z.infer<typeof presetSchema>;

/** GET /api/v1/presets and the `presets` event: the active pipeline's presets in recall order. */
export const presetListSchema = z.object({ pipeline: z.string().nullable(), presets: z.array(presetSchema) });
export type PresetList = z.infer<typeof presetListSchema>;

/** One model a pipeline can download, from GET /api/v1/models/status or the `models` event. */
export const modelStatusSchema = z.object({
  id: z.string(),
  pipeline: z.string(),
  description: z.string().default(''),
  state: z.enum(['missing', 'partial', 'downloading', 'ready', 'error']),
  files: z.array(z.object({ size: z.number().nullable(), approximate: z.boolean(), present: z.number() })).default([]),
  progress: z.object({ bytes: z.number(), total: z.number().nullable(), rate: z.number(), eta: z.number().nullable() }),
  error: z.string().nullable(),
});
const modelsStatusSchema = z.object({ dir: z.string(), models: z.array(modelStatusSchema) });

export interface ModelLine {
  id: string;
  pipeline: string;
  state: z.infer<typeof modelStatusSchema>['state'];
  /** `≈2.6 GB`, or `1.2 GB of 2.6 GB` while downloading. */
  size: string;
  /** 0..1 while a download runs or a part is on disk; null otherwise. */
  fraction: number | null;
  error: string | null;
}

/** `2.6 GB`; the panel's own formatting (web/ imports nothing from the server but src/shared). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** The model lines of a models status; anything of another shape gives none (the card then shows nothing). */
export function modelLines(data: unknown): ModelLine[] {
  const parsed = modelsStatusSchema.safeParse(data);
  if (!parsed.success) return [];
  return parsed.data.models.map((m) => {
    const total = m.progress.total ?? m.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
    const approximate = m.files.some((f) => f.approximate);
    const active = m.state === 'downloading' || m.state === 'partial';
    return {
      id: m.id,
      pipeline: m.pipeline,
      state: m.state,
      size:
        active && total > 0
          ? `${formatBytes(m.progress.bytes)} of ${formatBytes(total)}`
          : `${approximate ? '≈' : ''}${formatBytes(total)}`,
      fraction: active && total > 0 ? Math.min(1, m.progress.bytes / total) : null,
      error: m.error,
    };
  });
}
