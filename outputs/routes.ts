import { Hono } from 'hono';
import { z } from 'zod';
import {
  ScopeHttpError,
  badRequest,
  describeIssues,
  errorResponse,
  readJson,
  toScopeError,
} from '../src/server/errors';
import { OutputUnavailableError, UnknownOutputError } from './hub';
import type { OutputHub } from './hub';

const putBody = z.strictObject({
  enabled: z.boolean().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

/** `/outputs` (list) and `/outputs/:id` (read, change); the lead mounts it under /api/v1. */
export function outputRoutes(hub: OutputHub): Hono {
  const api = new Hono();
  // Mounted in the server the app's handler answers errors; alone (tests, other hosts) this one does, the same way.
  api.onError((err, c) => errorResponse(c, toScopeError(err)));

  api.get('/outputs', (c) => c.json(hub.list()));

  api.get('/outputs/:id', (c) => c.json(guard(() => hub.info(c.req.param('id')))));

  api.put('/outputs/:id', async (c) => {
    const id = c.req.param('id');
    guard(() => hub.info(id));
    const body = putBody.safeParse(await readJson(c));
    if (!body.success) throw badRequest('invalid_body', `invalid output change: ${describeIssues(body.error)}`);
    // Everything is validated before anything changes: a bad option leaves `enabled` untouched too.
    let patch: Record<string, unknown> | undefined;
    if (body.data.options) {
      const parsed = hub.parseOptions(id, body.data.options);
      if (!parsed.success)
        throw badRequest('invalid_body', `invalid options for ${id}: ${describeIssues(parsed.error)}`);
      patch = parsed.data as Record<string, unknown>;
    }
    if (body.data.enabled === true && hub.info(id).state === 'unavailable') {
      throw new ScopeHttpError(409, 'output_unavailable', `output ${id} is unavailable: ${hub.info(id).reason ?? ''}`);
    }
    if (patch && Object.keys(patch).length > 0) await hub.setOptions(id, patch);
    if (body.data.enabled !== undefined) await guardAsync(() => hub.setEnabled(id, body.data.enabled!));
    return c.json(hub.info(id));
  });

  return api;
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asHttp(err);
  }
}

async function guardAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asHttp(err);
  }
}

function asHttp(err: unknown): unknown {
  if (err instanceof UnknownOutputError) return new ScopeHttpError(404, 'not_found', err.message);
  if (err instanceof OutputUnavailableError) return new ScopeHttpError(409, 'output_unavailable', err.message);
  return err;
}
