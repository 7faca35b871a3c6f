import { Hono } from 'hono';
import { faultSchema, faultStateSchema } from '../shared/faults';
import { route } from '../shared/route-doc';
import { parseWith, readJson } from '../kernel/errors';
import type { FaultPlan } from '../engine/faults';
import type { FaultState } from '../shared/faults';

const injectDoc = route({
  summary: 'fault injection (only with DAYDREAM_SCOPE_FAULTS=1): the next renders throw, hang, leak or crash',
  body: faultSchema,
  responses: { 202: faultStateSchema },
  errors: ['invalid_body'],
});
const stateDoc = route({ summary: 'faults waiting for the next renders', responses: { 200: faultStateSchema } });

/** `/api/v1/faults`: mounted only when the fault-injection seam is on (tests and the soak bench). */
export function faultRoutes(plan: FaultPlan): Hono {
  return new Hono()
    .get('/faults', stateDoc, (c) => c.json(plan.state() satisfies FaultState))
    .post('/faults', injectDoc, async (c) => {
      plan.inject(parseWith(faultSchema, await readJson(c.req), 'invalid_body', 'fault'));
      return c.json(plan.state() satisfies FaultState, 202);
    });
}
