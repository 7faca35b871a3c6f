import { Hono } from 'hono';
import { statsSchema } from '../shared/api';
import { route } from '../shared/route-doc';
import { statsOf } from '../kernel/actions';
import type { ClientCounts } from '../kernel/actions';
import type { Stats } from '../shared/api';
import type { ScopeServices } from '../kernel/services';

const statsDoc = route({
  summary: 'frame rate, render and interval times, drops, clients, refusals',
  responses: { 200: statsSchema },
});

/** `/api/v1/stats`: the engine's figures, the pipeline state, clients and refusals. */
export function statsRoutes(services: ScopeServices, clients: ClientCounts): Hono {
  return new Hono().get('/stats', statsDoc, (c) => c.json(statsOf(services, clients) satisfies Stats));
}
