import { Hono } from 'hono';
import { ScopeError, describeIssues } from '../src/kernel/errors';
import { outputChangeSchema, outputInfoSchema, outputListSchema, outputParamsSchema } from '../src/shared/outputs';
import { apiPaths } from '../src/shared/api-paths';
import { routes } from '../src/http/routes';
import type { RouteDoc } from '../src/shared/route-doc';
import type { OutputInfo } from '../src/shared/outputs';
import type { OutputHub } from './hub';

/** `/outputs` (list) and `/outputs/:id` (read, change); the lead mounts it under /api/v1. */
export function outputRoutes(hub: OutputHub): Hono {
  const api = new Hono();
  const r = routes(api);

  const listDoc = {
    summary: 'every output with its state, clients and fps',
    responses: { 200: outputListSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.outputs, listDoc, (c) => c.json(hub.list() satisfies OutputInfo[]));

  const readDoc = {
    summary: 'one output',
    params: outputParamsSchema,
    responses: { 200: outputInfoSchema },
    errors: ['not_found'],
  } satisfies RouteDoc;
  r.get(apiPaths.output, readDoc, (c) => c.json(hub.info(c.req.param('id')) satisfies OutputInfo));

  const changeDoc = {
    summary: 'switches an output on or off and changes its options; everything is checked before anything changes',
    params: outputParamsSchema,
    body: outputChangeSchema,
    bodyName: 'output change',
    responses: { 200: outputInfoSchema },
    errors: ['not_found', 'output_unavailable'],
  } satisfies RouteDoc;
  r.put(apiPaths.output, changeDoc, async (c) => {
    const id = c.req.param('id');
    hub.info(id);
    const change = c.req.valid('json');
    // Everything is validated before anything changes: a bad option leaves `enabled` untouched too.
    let patch: Record<string, unknown> | undefined;
    if (change.options) {
      const parsed = hub.parseOptions(id, change.options);
      if (!parsed.success)
        throw new ScopeError('invalid_body', `invalid options for ${id}: ${describeIssues(parsed.error)}`);
      patch = parsed.data as Record<string, unknown>;
    }
    if (change.enabled === true && hub.info(id).state === 'unavailable') {
      throw new ScopeError('output_unavailable', `output ${id} is unavailable: ${hub.info(id).reason ?? ''}`);
    }
    if (patch && Object.keys(patch).length > 0) await hub.setOptions(id, patch);
    if (change.enabled !== undefined) await hub.setEnabled(id, change.enabled);
    return c.json(hub.info(id) satisfies OutputInfo);
  });

  return api;
}
