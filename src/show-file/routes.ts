/** `GET /api/v1/show` exports the show, `PUT /api/v1/show` imports one (all or nothing); mounted under /api/v1. */
import { Hono } from 'hono';
import { routes } from '../http/routes';
import { apiPaths } from '../shared/api-paths';
import { showFileSchema, showImportReportSchema, showIncompleteSchema } from '../shared/show-file';
import { ShowIncompleteError, exportShow, importShow } from './transaction';
import { readShow } from './migrate';
import type { RouteDoc } from '../shared/route-doc';
import type { ShowIncomplete } from '../shared/show-file';
import type { ShowPart } from './transaction';

export interface ShowRoutesOptions {
  parts: readonly ShowPart[];
  scopeVersion: string;
  log: (message: string) => void;
}

/** One import or export at a time: a second waits, so two imports never interleave nor an export reads half of one. */
function serial() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const run = last.then(job, job);
    last = run.catch(() => {});
    return run;
  };
}

export function showRoutes(o: ShowRoutesOptions): Hono {
  const api = new Hono();
  const r = routes(api);
  const queue = serial();

  const exportDoc = {
    summary: 'the whole show as one file (`*.scope-show.json`): pipeline, values, presets, cues, mappings, needs',
    responses: { 200: showFileSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.show, exportDoc, async (c) => {
    const show = await queue(() => exportShow(o.parts, o.scopeVersion));
    c.header('content-disposition', 'attachment; filename="show.scope-show.json"');
    return c.json(show);
  });

  const importDoc = {
    summary: 'imports a show file: checked whole first, then applied all or nothing (files included)',
    description:
      'A file that is not JSON, not a show file, of a newer version or damaged is refused (400) and changes nothing. ' +
      'One that needs models, LoRAs or plugins this server lacks is refused (409) with `missing`: each by name and ' +
      'hash, with the download command and route where this server can fetch it.',
    body: { media: 'application/json', description: 'a show file, any version up to the current one' },
    responses: { 200: showImportReportSchema, 409: showIncompleteSchema },
    errors: ['invalid_body', 'save_failed', 'load_failed'],
  } satisfies RouteDoc;
  r.put(apiPaths.show, importDoc, async (c) => {
    const text = await c.req.text();
    try {
      const report = await queue(async () => {
        const { show, migrated } = readShow(text);
        return importShow(o.parts, show, { scopeVersion: o.scopeVersion, log: o.log, migrated });
      });
      return c.json(report);
    } catch (err) {
      if (!(err instanceof ShowIncompleteError)) throw err;
      return c.json({ error: err.toJSON(), missing: err.missing } satisfies ShowIncomplete, 409);
    }
  });

  return api;
}
