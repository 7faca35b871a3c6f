import { Hono } from 'hono';
import { z } from 'zod';
import { ScopeError, invalidParameters, parseWith, readJson } from '../kernel/errors';
import { paramPatchSchema } from '../shared/api';
import { quantizeSchema } from '../shared/perform';
import { presetNameSchema } from './store';
import type { PresetStore } from './store';

const saveBodySchema = z.strictObject({ values: paramPatchSchema.optional() });

/** `/presets` under /api/v1: list, save (current or given values), recall, delete; each answers the new list. */
export function presetRoutes(store: PresetStore): Hono {
  const api = new Hono();
  const nameOf = (raw: string) => {
    const parsed = presetNameSchema.safeParse(raw);
    if (!parsed.success) throw new ScopeError('invalid_body', parsed.error.issues[0]?.message ?? 'invalid preset name');
    return parsed.data;
  };

  api.get('/presets', (c) => c.json(store.list(c.req.query('pipeline') ?? undefined)));

  api.put('/presets/:name', async (c) => {
    const name = nameOf(c.req.param('name'));
    // An empty body (curl -X PUT) saves the current values. Hono keeps the body, so it can be read twice.
    const empty = (await c.req.text()).trim() === '';
    const body = empty
      ? {}
      : parseWith(saveBodySchema, await readJson(c.req), 'invalid_body', 'body ({} or {"values": {...}})');
    const saved = await store.save(name, body.values);
    if (!saved.ok) {
      if (saved.errors) throw invalidParameters(saved.errors);
      // Nothing is loaded: the request is fine, the server's state does not allow it.
      throw new ScopeError('conflict', saved.message);
    }
    return c.json(store.list());
  });

  api.post('/presets/:name/recall', (c) => {
    const raw = c.req.query('quantize');
    const options = raw === undefined ? {} : { quantize: parseWith(quantizeSchema, raw, 'invalid_query', 'quantize') };
    const result = store.recall(nameOf(c.req.param('name')), options);
    if (result.ok) return c.json(result);
    if (result.reason === 'invalid') throw invalidParameters(result.errors);
    throw new ScopeError('not_found', result.message);
  });

  api.delete('/presets/:name', async (c) => {
    const name = nameOf(c.req.param('name'));
    if (!(await store.delete(name))) throw new ScopeError('not_found', `no preset "${name}" for this pipeline`);
    return c.json(store.list());
  });

  return api;
}
