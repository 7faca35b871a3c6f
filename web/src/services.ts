/** How the panel reads the optional services (outputs, presets, model downloads); their shapes live in src/shared. */
import { DECIMAL, formatBytes } from '../../src/shared/bytes';
import { rootPaths } from '../../src/shared/api-paths';
import { modelsStatusSchema } from '../../src/shared/models';
import type { ModelState } from '../../src/shared/models';
import type { OutputInfo } from '../../src/shared/outputs';
import type { Preset, PresetList } from '../../src/shared/presets';

export type { OutputInfo, PresetList };
export type PresetInfo = Preset;

/** A WebRTC output's addresses: its WHEP endpoint and the page OBS's browser source opens. */
export function webrtcUrls(o: OutputInfo): { whep: string; page: string } {
  const urls = o.urls ?? [];
  return {
    whep: urls.find((u) => /\/whep\b/.test(u)) ?? rootPaths.whep,
    page: urls.find((u) => /\/output\b/.test(u)) ?? rootPaths.outputPage,
  };
}

export interface ModelLine {
  id: string;
  pipeline: string;
  state: ModelState;
  /** `≈2.6 GB`, or `1.2 GB of 2.6 GB` while downloading. */
  size: string;
  /** 0..1 while a download runs or a part is on disk; null otherwise. */
  fraction: number | null;
  error: string | null;
  /** For one export among several: where it runs (`whole on cuda; lowered on cpu, webgpu`). */
  runs: string | null;
  /** Files only an exporter makes (a ControlNet): for which model, and the command that writes the missing ones. */
  exported?: { of: string; command: string; missing: string[] };
}

/** The model lines of a models status; anything of another shape gives none (the card then shows nothing). */
export function modelLines(data: unknown): ModelLine[] {
  const parsed = modelsStatusSchema.safeParse(data);
  if (!parsed.success) return [];
  const lines = parsed.data.models.map((m): ModelLine => {
    const total = m.progress.total ?? m.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
    const approximate = m.files.some((f) => f.approximate);
    const active = m.state === 'downloading' || m.state === 'partial';
    return {
      id: m.id,
      pipeline: m.pipeline,
      state: m.state,
      size:
        active && total > 0
          ? `${formatBytes(m.progress.bytes, DECIMAL)} of ${formatBytes(total, DECIMAL)}`
          : `${approximate ? '≈' : ''}${formatBytes(total, DECIMAL)}`,
      fraction: active && total > 0 ? Math.min(1, m.progress.bytes / total) : null,
      error: m.error,
      runs: m.runs ?? null,
    };
  });
  const exported = (parsed.data.exports ?? []).map((e): ModelLine => ({
    id: e.id,
    pipeline: e.pipeline,
    state: e.state,
    size: 'exported',
    fraction: null,
    error: null,
    runs: null,
    exported: { of: e.of, command: e.command, missing: e.missing },
  }));
  return [...lines, ...exported];
}
