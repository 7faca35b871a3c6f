/** The panel's show-file calls: the export's address, and an import whose answer is kept whole for the card. */
import { apiPaths, apiUrl } from '../../src/shared/api-paths';
import { errorBodySchema } from '../../src/shared/api';
import { downloadResponseSchema } from '../../src/shared/models';
import { showImportReportSchema, showIncompleteSchema } from '../../src/shared/show-file';
import { api } from './client';
import type { ShowImportReport, ShowMissing } from '../../src/shared/show-file';

/** What an import came to: applied (with notes), refused for what is missing, or refused with a sentence. */
export type ShowOutcome =
  | { kind: 'imported'; report: ShowImportReport }
  | { kind: 'missing'; message: string; missing: ShowMissing[] }
  | { kind: 'refused'; message: string };

export interface ShowActions {
  /** Where the browser downloads the show from. */
  exportUrl: string;
  import(text: string): Promise<ShowOutcome>;
  /** Asks the server to download a model the show needs (progress comes as `models` events). */
  download(model: string): Promise<void>;
}

/** PUT /api/v1/show with the file's text as it is (the server says why a damaged file is refused). */
export async function importShowText(text: string): Promise<ShowOutcome> {
  let res: Response;
  try {
    res = await fetch(apiUrl(apiPaths.show), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
  } catch (err) {
    return { kind: 'refused', message: `the server did not answer (${(err as Error).message})` };
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (res.ok) {
    const report = showImportReportSchema.safeParse(json);
    if (report.success) return { kind: 'imported', report: report.data };
  }
  const incomplete = showIncompleteSchema.safeParse(json);
  if (incomplete.success) {
    return { kind: 'missing', message: incomplete.data.error.message, missing: incomplete.data.missing };
  }
  const error = errorBodySchema.safeParse(json);
  return {
    kind: 'refused',
    message: error.success ? error.data.error.message : `the import failed (HTTP ${res.status})`,
  };
}

export function showActions(after: () => void): ShowActions {
  return {
    exportUrl: apiUrl(apiPaths.show),
    import: async (text) => {
      const outcome = await importShowText(text);
      // Everything the panel shows may have changed with the show.
      if (outcome.kind === 'imported') after();
      return outcome;
    },
    download: async (model) => {
      await api(apiUrl(apiPaths.modelsDownload), downloadResponseSchema, { method: 'POST', body: { model } });
    },
  };
}
