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

/** One line of model download progress, read leniently from whatever the models service reports. */
export interface ModelLine {
  label: string;
  /** 0..1, or null while the size is unknown. */
  fraction: number | null;
  state: string;
  error: string | undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const pick = (o: Obj, ...keys: string[]) => keys.map((k) => o[k]).find((v) => v !== undefined);

/**
 * Model status lines from GET /api/v1/models/status or a `models` event. That service was written beside the
 * panel, so this reads the common shapes (a list, or an object holding `models`/`downloads`/`artifacts`, each
 * entry with bytes done and total) instead of one exact schema.
 */
export function modelLines(data: unknown): ModelLine[] {
  const list = Array.isArray(data)
    ? data
    : isObj(data)
      ? (pick(data, 'models', 'downloads', 'artifacts', 'files', 'items') ?? [])
      : [];
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((e) => {
    const done = pick(e, 'received', 'bytesDone', 'downloaded', 'bytes', 'done');
    const total = pick(e, 'total', 'size', 'bytesTotal', 'totalBytes');
    const progress = pick(e, 'progress', 'fraction');
    const fraction =
      typeof progress === 'number'
        ? progress
        : typeof done === 'number' && typeof total === 'number' && total > 0
          ? done / total
          : null;
    const err = pick(e, 'error', 'reason');
    return {
      label: String(pick(e, 'role', 'name', 'id', 'file', 'manifest') ?? 'model'),
      fraction: fraction === null ? null : Math.min(1, Math.max(0, fraction)),
      state: String(pick(e, 'state', 'status') ?? (fraction === 1 ? 'ready' : 'downloading')),
      error: typeof err === 'string' ? err : isObj(err) && typeof err.message === 'string' ? err.message : undefined,
    };
  });
}
