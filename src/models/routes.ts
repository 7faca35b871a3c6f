import { Hono } from 'hono';
import { ScopeError } from '../kernel/errors';
import { downloadBodySchema, downloadResponseSchema, modelsStatusSchema } from '../shared/models';
import { apiPaths } from '../shared/api-paths';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import type { DownloadResponse, ModelsStatus } from '../shared/models';
import type { ModelManager } from './manager';
import { downloadTarget } from './variants';
import type { CheckProvider } from '../runtime/graph/provider-ops';

export interface ModelRoutesOptions {
  /** The provider this server runs, for which `{"model": "sd-turbo"}` picks the variant (default: the CPU). */
  provider?: () => Promise<CheckProvider>;
}

/**
 * `/api/v1/models/*`: the status of every model, and downloads started from the panel or a script. A model with
 * several exports downloads the variant the server's provider runs best, or the one `variant` names.
 */
export function modelRoutes(manager: ModelManager, options: ModelRoutesOptions = {}): Hono {
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
    bodyName: 'body (expected {"model": "<id>", "variant"?: "<name>"})',
    responses: { 200: downloadResponseSchema, 202: downloadResponseSchema },
    errors: ['not_found'],
  } satisfies RouteDoc;
  r.post(apiPaths.modelsDownload, downloadDoc, async (c) => {
    const body = c.req.valid('json');
    const exported = manager.notDownloadable(body.model);
    if (exported) throw new ScopeError('not_found', exported);
    const choosing = !manager.has(body.model) && body.variant === undefined;
    const provider = choosing && options.provider ? await options.provider() : 'cpu';
    const target = downloadTarget(manager.list(), body.model, { variant: body.variant, provider });
    if ('error' in target) throw new ScopeError('not_found', target.error);
    const model = target.id;
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
