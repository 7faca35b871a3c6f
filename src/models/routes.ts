import { Hono } from 'hono';
import { ScopeError } from '../kernel/errors';
import { downloadBodySchema, downloadResponseSchema, modelsStatusSchema } from '../shared/models';
import { apiPaths } from '../shared/api-paths';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import type { DownloadResponse, ModelsStatus } from '../shared/models';
import type { ModelManager } from './manager';

/** `/api/v1/models/*`: the status of every model, and downloads started from the panel or a script. */
export function modelRoutes(manager: ModelManager): Hono {
  const api = new Hono();
  const r = routes(api);

  const statusDoc = {
    summary: 'every model: files on disk, downloads and their progress',
    responses: { 200: modelsStatusSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.modelsStatus, statusDoc, async (c) => c.json((await manager.status()) satisfies ModelsStatus));

  // The answer does not wait for the download: progress comes by GET /models/status and the `models` event.
  // A second request while one runs joins it, so a double click is harmless.
  const downloadDoc = {
    summary: 'starts downloading a model (202), or says it is ready (200); progress comes as `models` events',
    body: downloadBodySchema,
    bodyName: 'body (expected {"model": "<id>"})',
    responses: { 200: downloadResponseSchema, 202: downloadResponseSchema },
    errors: ['not_found'],
  } satisfies RouteDoc;
  r.post(apiPaths.modelsDownload, downloadDoc, async (c) => {
    const { model } = c.req.valid('json');
    if (!manager.has(model)) {
      const known =
        manager
          .list()
          .map((m) => m.id)
          .join(', ') || '(none)';
      throw new ScopeError('not_found', `unknown model "${model}"; known: ${known}`);
    }
    const before = await manager.modelStatus(model);
    if (before.state === 'ready')
      return c.json({ model, state: 'ready', joined: false } satisfies DownloadResponse, 200);
    const joined = before.state === 'downloading';
    // Failures are kept in the model's status (state `error` with the sentence); nobody waits on this promise.
    manager.download(model).catch(() => undefined);
    return c.json({ model, state: 'downloading', joined } satisfies DownloadResponse, 202);
  });

  return api;
}
