import { Hono } from 'hono';
import { pluginListSchema } from '../shared/plugins';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import type { PluginReport } from '../shared/plugins';

/** `GET /plugins` under /api/v1: every plugin found, loaded or not, with the reason when not. */
export function pluginRoutes(reports: readonly PluginReport[]): Hono {
  const api = new Hono();
  const r = routes(api);
  const listDoc = {
    summary: 'every pipeline plugin found at start: what it registered, or why it did not load',
    responses: { 200: pluginListSchema },
  } satisfies RouteDoc;
  r.get('/plugins', listDoc, (c) => c.json(reports));
  return api;
}
