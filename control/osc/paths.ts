import { Hono } from 'hono';
import { addressSource, listAddresses } from './addresses';
import { oscPathsResponseSchema } from '../../src/shared/osc';
import { routes } from '../../src/http/routes';
import type { RouteDoc } from '../../src/shared/route-doc';
import type { ScopeServices } from '../../src/kernel/services';
import type { OscPath, OscPathsResponse } from '../../src/shared/osc';

export type { OscPath };

/** Every OSC address of the active pipeline, for people wiring up a controller (from the one address table). */
export function oscPaths(services: ScopeServices): OscPath[] {
  return listAddresses(addressSource(services)).map(({ address, target, types, description }) => {
    const path: OscPath = { address, types, description };
    if (target.kind === 'param' && (target.spec.kind === 'number' || target.spec.kind === 'int')) {
      path.range = { min: target.spec.min, max: target.spec.max };
    }
    if (target.kind === 'param' && target.spec.kind === 'enum') path.options = target.spec.options;
    if (target.kind === 'pipeline-load') path.options = services.registry.ids();
    return path;
  });
}

/** `GET /api/v1/osc/paths`. */
export function oscRoutes(services: ScopeServices): Hono {
  const api = new Hono();
  const r = routes(api);
  const pathsDoc = {
    summary: 'every OSC address of the running pipeline with its types and range',
    responses: { 200: oscPathsResponseSchema },
  } satisfies RouteDoc;
  r.get('/osc/paths', pathsDoc, (c) =>
    c.json({ pipeline: services.host.activeId ?? null, paths: oscPaths(services) } satisfies OscPathsResponse),
  );
  return api;
}
