import { Hono } from 'hono';
import { statsSchema } from '../shared/api';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import { statsOf } from '../kernel/actions';
import type { ClientCounts } from '../kernel/actions';
import type { Stats } from '../shared/api';
import type { ScopeServices } from '../kernel/services';

const statsDoc = {
  summary: 'frame rate, render and interval times, drops, clients, refusals',
  responses: { 200: statsSchema },
} satisfies RouteDoc;

/** `/api/v1/stats`: the engine's figures, the pipeline state, clients and refusals. */
export function statsRoutes(services: ScopeServices, clients: ClientCounts): Hono {
  const api = new Hono();
  routes(api).get('/stats', statsDoc, (c) => c.json(statsOf(services, clients) satisfies Stats));
  return api;
}
