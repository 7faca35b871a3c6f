import { Hono } from 'hono';
import { statsOf } from '../kernel/actions';
import type { ClientCounts } from '../kernel/actions';
import type { ScopeServices } from '../kernel/services';

/** `/api/v1/stats`: the engine's figures, the pipeline state, clients and refusals. */
export function statsRoutes(services: ScopeServices, clients: ClientCounts): Hono {
  return new Hono().get('/stats', (c) => c.json(statsOf(services, clients)));
}
