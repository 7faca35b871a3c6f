import { Hono } from 'hono';
import { healthResponseSchema } from '../shared/api';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import type { HealthResponse } from '../shared/api';
import type { ScopeServices } from '../kernel/services';

/**
 * `/health` (liveness: any answer means the process serves), `/health/live` and `/health/ready` for orchestrators:
 * ready means a pipeline renders and nothing the root knows of (a drain, a show out of reach) holds it back.
 */
export function healthRoutes(services: ScopeServices, notReady: () => string[] = () => []): Hono {
  const app = new Hono();
  const r = routes(app);
  const health = (): HealthResponse => {
    const status = services.host.status();
    const waiting = [...notReady()];
    if (status.state !== 'ready')
      waiting.push(`the pipeline is ${status.state === 'idle' ? 'not loaded' : status.state}`);
    return {
      ok: true,
      version: services.version,
      pipeline: services.host.activeId ?? null,
      state: status.state,
      live: true,
      ready: waiting.length === 0,
      waiting,
    };
  };
  const doc = {
    summary: 'is the server up, and in what state',
    responses: { 200: healthResponseSchema },
  } satisfies RouteDoc;
  r.get('/health', doc, (c) => c.json(health()));
  const liveDoc = {
    summary: 'liveness: 200 while the process serves',
    responses: { 200: healthResponseSchema },
  } satisfies RouteDoc;
  r.get('/health/live', liveDoc, (c) => c.json(health()));
  const readyDoc = {
    summary: 'readiness: 200 when a pipeline renders and the node is not draining, else 503 saying why',
    responses: { 200: healthResponseSchema, 503: healthResponseSchema },
  } satisfies RouteDoc;
  r.get('/health/ready', readyDoc, (c) => {
    const h = health();
    return c.json(h, h.ready ? 200 : 503);
  });
  return app;
}
