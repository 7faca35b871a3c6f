/**
 * `/api/v1/timecode`: where the show's timecode is (source, rate, position, running or stopped) and what chases
 * it; PUT changes the chase settings and the rate, and runs or locates the internal generator.
 */
import { Hono } from 'hono';
import { apiPaths } from '../../shared/api-paths';
import { routes } from '../../http/routes';
import { timecodePutSchema, timecodeStatusSchema } from '../../shared/timecode';
import type { RouteDoc } from '../../shared/route-doc';
import type { TimecodeService } from './timecode-service';

/** The timecode routes, to be mounted under /api/v1. */
export function timecodeRoutes(service: TimecodeService): Hono {
  const api = new Hono();
  const r = routes(api);
  const getDoc = {
    summary: 'timecode: source, rate, position, running or stopped, jumps, chase settings, MTC out',
    responses: { 200: timecodeStatusSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.timecode, getDoc, (c) => c.json(service.status()));
  const putDoc = {
    summary: 'chase settings and rate (saved); runs or locates the internal generator',
    body: timecodePutSchema,
    emptyBody: {},
    bodyName: 'timecode ({"chase": {"cues": true, "timeline": true, "timelineStart": "01:00:00:00"}})',
    responses: { 200: timecodeStatusSchema },
    errors: ['bad_json', 'invalid_body', 'conflict', 'save_failed'],
  } satisfies RouteDoc;
  r.put(apiPaths.timecode, putDoc, async (c) => c.json(await service.update(c.req.valid('json'))));
  return api;
}
