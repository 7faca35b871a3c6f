import { Hono } from 'hono';
import { faultSchema, faultStateSchema } from '../shared/faults';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import type { FaultPlan } from '../engine/faults';
import type { FaultState } from '../shared/faults';

const injectDoc = {
  summary: 'fault injection (only with DAYDREAM_SCOPE_FAULTS=1): the next renders throw, hang, leak or crash',
  body: faultSchema,
  bodyName: 'fault',
  responses: { 202: faultStateSchema },
  errors: ['invalid_body'],
} satisfies RouteDoc;
const stateDoc = {
  summary: 'faults waiting for the next renders',
  responses: { 200: faultStateSchema },
} satisfies RouteDoc;

/** `/api/v1/faults`: mounted only when the fault-injection seam is on (tests and the soak bench). */
export function faultRoutes(plan: FaultPlan): Hono {
  const api = new Hono();
  const r = routes(api);
  r.get('/faults', stateDoc, (c) => c.json(plan.state() satisfies FaultState));
  r.post('/faults', injectDoc, (c) => {
    plan.inject(c.req.valid('json'));
    return c.json(plan.state() satisfies FaultState, 202);
  });
  return api;
}
