import { Hono } from 'hono';
import { paramsJsonSchema } from '../params/json-schema';
import { takesInput } from '../engine/pipeline';
import { loadBodySchema, loadQuerySchema, pipelineListSchema, pipelineStatusSchema } from '../shared/api';
import { apiPaths } from '../shared/api-paths';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import { pipelineStatus, startLoad } from '../kernel/actions';
import { ScopeError } from '../kernel/errors';
import type { PipelineInfo, PipelineStatus } from '../shared/api';
import type { ScopeServices } from '../kernel/services';

/** `/api/v1/pipelines`, `/api/v1/pipeline/load`, `/api/v1/pipeline/status`. */
export function pipelineRoutes(services: ScopeServices): Hono {
  const api = new Hono();
  const r = routes(api);

  const listDoc = {
    summary: 'every pipeline with its parameters as JSON Schema',
    responses: { 200: pipelineListSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.pipelines, listDoc, async (c) => {
    const active = services.host.activeId;
    const list: PipelineInfo[] = await Promise.all(
      services.registry.list().map(async (def) => {
        // The active pipeline is loaded: whatever a fresh load would lack, it runs.
        const refused = def.id === active ? undefined : await services.host.canLoad(def.id);
        return {
          id: def.id,
          name: def.name,
          description: def.description,
          schema: paramsJsonSchema(services.host.specsOf(def)),
          active: def.id === active,
          takesInput: takesInput(def),
          loadable: { ok: !refused, reason: refused?.message ?? null, fix: refused?.fix ?? null },
        };
      }),
    );
    return c.json(list);
  });

  const statusDoc = {
    summary: 'state, load stage and progress, errors',
    responses: { 200: pipelineStatusSchema },
  } satisfies RouteDoc;
  r.get('/pipeline/status', statusDoc, (c) => c.json(pipelineStatus(services) satisfies PipelineStatus));

  // Loading is asynchronous: 202 with the status at once, or with ?wait=true the final status once it ended.
  const loadDoc = {
    summary: 'switches pipelines: 202 at once, or with ?wait=true the status once loading ended',
    query: loadQuerySchema,
    body: loadBodySchema,
    responses: { 200: pipelineStatusSchema, 202: pipelineStatusSchema },
    errors: [
      'unknown_pipeline',
      'invalid_parameters',
      'memory_budget',
      'load_refused',
      'load_superseded',
      'load_failed',
    ],
  } satisfies RouteDoc;
  r.post('/pipeline/load', loadDoc, async (c) => {
    const { wait } = c.req.valid('query');
    const body = c.req.valid('json');
    const { done, started } = await startLoad(services, body.pipeline_id, body.params, { fadeMs: body.fade_ms });
    if (!wait) return c.json(started, 202);
    await done;
    await services.host.settled();
    const status = pipelineStatus(services);
    const failed = status.lastLoadError;
    if (failed?.pipelineId === body.pipeline_id) {
      // It fell back: the pipeline before it goes on, and the answer says why the new one did not.
      throw new ScopeError(
        'load_failed',
        `could not load "${body.pipeline_id}" (${failed.phase}): ${failed.message}; ${status.pipelineId} goes on`,
      );
    }
    if (status.pipelineId !== body.pipeline_id) {
      throw new ScopeError('load_superseded', `loading "${body.pipeline_id}" was superseded by another load`);
    }
    if (status.state === 'error' && status.error?.during === 'load') {
      throw new ScopeError('load_failed', `could not load "${body.pipeline_id}": ${status.error.message}`);
    }
    return c.json(status, 200);
  });

  return api;
}
