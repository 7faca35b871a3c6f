/** The shapes of model status (API, events, CLI) and the "what is missing" sentence built from them. */
import { DECIMAL, formatBytes } from '../shared/bytes';
import type { FileState, FileStatus, ModelProgress, ModelState, ModelStatus, ModelsStatus } from '../shared/models';

export type { FileState, FileStatus, ModelProgress, ModelState, ModelStatus, ModelsStatus };

/** What a pipeline lacks before it can load; `message` is the sentence to show, null when nothing is missing. */
export interface MissingModels {
  pipeline: string;
  /** The models still to download, in the order asked for. */
  models: string[];
  ready: boolean;
  files: FileStatus[];
  /** Bytes still to download (the known and rounded sizes). */
  bytes: number;
  message: string | null;
}

/** What `missing()` answers for the models a pipeline needs. */
export function describeMissing(pipelineId: string, statuses: ModelStatus[]): MissingModels {
  const lacking = statuses.filter((s) => s.state !== 'ready');
  const files = lacking.flatMap((s) => s.files.filter((f) => f.state !== 'ready'));
  const bytes = files.reduce((sum, f) => sum + (f.size === null ? 0 : Math.max(0, f.size - f.present)), 0);
  const models = lacking.map((s) => s.id);
  if (lacking.length === 0) return { pipeline: pipelineId, models, ready: true, files, bytes, message: null };
  const parts = lacking.map((s) => `${s.id} (${describeSize(s)})`);
  const downloading = lacking.find((s) => s.state === 'downloading');
  const invalid = lacking.find((s) => s.state === 'error' && s.files.length === 0);
  const todo = invalid
    ? (invalid.error ?? `the manifest of ${invalid.id} is invalid`)
    : downloading
      ? `${downloading.id} is downloading now (${percent(downloading)}%)`
      : `run daydream-scope download ${models.join(' ')}`;
  const message = `${pipelineId} needs ${parts.join(' and ')}: ${todo}`;
  return { pipeline: pipelineId, models, ready: false, files, bytes, message };
}

/** `2.6 GB`, `≈2.6 GB` (rounded sizes), `2.6 GB, 1.2 GB left`, `size unknown`. */
export function describeSize(s: ModelStatus): string {
  const { bytes, total } = s.progress;
  if (total === null) return 'size unknown';
  const size = `${s.files.some((f) => f.approximate) ? '≈' : ''}${formatBytes(total, DECIMAL)}`;
  return bytes > 0 && bytes < total ? `${size}, ${formatBytes(total - bytes, DECIMAL)} left` : size;
}

function percent(s: ModelStatus): number {
  return s.progress.total ? Math.floor((s.progress.bytes / s.progress.total) * 100) : 0;
}
