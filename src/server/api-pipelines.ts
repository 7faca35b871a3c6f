import { Hono } from 'hono';
import { z } from 'zod';
import { paramsJsonSchema } from '../params/json-schema';
import { takesInput } from '../engine/pipeline';
import { loadBodySchema } from '../shared/api';
import { pipelineStatus, startLoad } from '../kernel/actions';
import { ScopeError, parseWith, readJson } from '../kernel/errors';
import type { PipelineInfo } from '../shared/api';
import type { ScopeServices } from '../kernel/services';

/** `/api/v1/pipelines`, `/api/v1/pipeline/load`, `/api/v1/pipeline/status`. */
export function pipelineRoutes(services: ScopeServices): Hono {
  const api = new Hono();

  api.get('/pipelines', (c) => {
    const active = services.host.activeId;
    const list: PipelineInfo[] = services.registry.list().map((def) => ({
      id: def.id,
      name: def.name,
      description: def.description,
      schema: paramsJsonSchema(services.host.specsOf(def)),
      active: def.id === active,
      takesInput: takesInput(def),
    }));
    return c.json(list);
  });

  api.get('/pipeline/status', (c) => c.json(pipelineStatus(services)));

  // Loading is asynchronous: 202 with the status at once, or with ?wait=true the final status once it ended.
  api.post('/pipeline/load', async (c) => {
    const wait = parseWith(waitQuery, c.req.query('wait'), 'invalid_query', 'query "wait"');
    const body = parseWith(loadBodySchema, await readJson(c.req), 'invalid_body', 'body');
    const { done } = startLoad(services, body.pipeline_id, body.params);
    if (!wait) return c.json(pipelineStatus(services), 202);
    await done;
    await services.host.settled();
    const status = pipelineStatus(services);
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

const waitQuery = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === '');
