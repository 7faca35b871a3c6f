import { Hono } from 'hono';
import { outputDelayBodySchema, outputDelaySchema } from '../shared/latency';
import { apiPaths } from '../shared/api-paths';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import type { OutputDelay } from '../shared/latency';
import type { OutputDelayStore } from '../engine/output-delay-store';

/** `/output-delay`: how long every output holds the picture back (milliseconds or beats), read and set. */
export function outputDelayRoutes(store: OutputDelayStore): Hono {
  const api = new Hono();
  const r = routes(api);
  const readDoc = {
    summary: 'the output delay: its setting, what it is now in milliseconds, frames held and skipped',
    responses: { 200: outputDelaySchema },
  } satisfies RouteDoc;
  r.get(apiPaths.outputDelay, readDoc, (c) => c.json(store.line.status() satisfies OutputDelay));

  const setDoc = {
    summary: 'sets the output delay: {"ms": 0..2000} or {"beats": 0..16} (beats follow the tempo); clamped; saved',
    body: outputDelayBodySchema,
    bodyName: 'output delay (expected {"ms": number} or {"beats": number})',
    responses: { 200: outputDelaySchema },
    errors: ['invalid_body', 'save_failed'],
  } satisfies RouteDoc;
  r.put(apiPaths.outputDelay, setDoc, async (c) =>
    c.json((await store.set(c.req.valid('json'))) satisfies OutputDelay),
  );
  return api;
}
