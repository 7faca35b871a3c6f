import { Hono } from 'hono';
import { z } from 'zod';
import { ScopeError, describeIssues, readJson } from '../src/kernel/errors';
import type { OutputHub } from './hub';

const putBody = z.strictObject({
  enabled: z.boolean().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

/** `/outputs` (list) and `/outputs/:id` (read, change); the lead mounts it under /api/v1. */
export function outputRoutes(hub: OutputHub): Hono {
  const api = new Hono();

  api.get('/outputs', (c) => c.json(hub.list()));

  api.get('/outputs/:id', (c) => c.json(hub.info(c.req.param('id'))));

  api.put('/outputs/:id', async (c) => {
    const id = c.req.param('id');
    hub.info(id);
    const body = putBody.safeParse(await readJson(c.req));
    if (!body.success) throw new ScopeError('invalid_body', `invalid output change: ${describeIssues(body.error)}`);
    // Everything is validated before anything changes: a bad option leaves `enabled` untouched too.
    let patch: Record<string, unknown> | undefined;
    if (body.data.options) {
      const parsed = hub.parseOptions(id, body.data.options);
      if (!parsed.success)
        throw new ScopeError('invalid_body', `invalid options for ${id}: ${describeIssues(parsed.error)}`);
      patch = parsed.data as Record<string, unknown>;
    }
    if (body.data.enabled === true && hub.info(id).state === 'unavailable') {
      throw new ScopeError('output_unavailable', `output ${id} is unavailable: ${hub.info(id).reason ?? ''}`);
    }
    if (patch && Object.keys(patch).length > 0) await hub.setOptions(id, patch);
    if (body.data.enabled !== undefined) await hub.setEnabled(id, body.data.enabled);
    return c.json(hub.info(id));
  });

  return api;
}
