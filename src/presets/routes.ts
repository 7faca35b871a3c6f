import { Hono } from 'hono';
import { ScopeError, invalidParameters, parseWith, readJson } from '../kernel/errors';
import {
  presetListQuerySchema,
  presetListSchema,
  presetParamsSchema,
  presetRecallSchema,
  presetSaveBodySchema,
} from '../shared/presets';
import { route } from '../shared/route-doc';
import { quantizeSchema } from '../shared/perform';
import { presetNameSchema } from './store';
import type { PresetList, PresetRecall } from '../shared/presets';
import type { PresetStore } from './store';

/** `/presets` under /api/v1: list, save (current or given values), recall, delete; each answers the new list. */
export function presetRoutes(store: PresetStore): Hono {
  const api = new Hono();
  const nameOf = (raw: string) => {
    const parsed = presetNameSchema.safeParse(raw);
    if (!parsed.success) throw new ScopeError('invalid_body', parsed.error.issues[0]?.message ?? 'invalid preset name');
    return parsed.data;
  };

  const listDoc = route({
    summary: "the active pipeline's presets in recall order (?pipeline= another's)",
    query: presetListQuerySchema,
    responses: { 200: presetListSchema },
  });
  api.get('/presets', listDoc, (c) => c.json(store.list(c.req.query('pipeline') ?? undefined) satisfies PresetList));

  const saveDoc = route({
    summary: 'saves the current values (or the given ones) under a name; answers the new list',
    params: presetParamsSchema,
    body: presetSaveBodySchema.optional(),
    responses: { 200: presetListSchema },
    errors: ['invalid_parameters', 'conflict'],
  });
  api.put('/presets/:name', saveDoc, async (c) => {
    const name = nameOf(c.req.param('name'));
    // An empty body (curl -X PUT) saves the current values. Hono keeps the body, so it can be read twice.
    const empty = (await c.req.text()).trim() === '';
    const body = empty
      ? {}
      : parseWith(presetSaveBodySchema, await readJson(c.req), 'invalid_body', 'body ({} or {"values": {...}})');
    const saved = await store.save(name, body.values);
    if (!saved.ok) {
      if (saved.errors) throw invalidParameters(saved.errors);
      // Nothing is loaded: the request is fine, the server's state does not allow it.
      throw new ScopeError('conflict', saved.message);
    }
    return c.json(store.list() satisfies PresetList);
  });

  const recallDoc = route({
    summary: 'applies a preset to the active pipeline, all at once',
    params: presetParamsSchema,
    responses: { 200: presetRecallSchema },
    errors: ['invalid_body', 'invalid_parameters', 'not_found'],
  });
  api.post('/presets/:name/recall', recallDoc, (c) => {
    // `?quantize=bar` lands the recall on the next bar; left out, the preset surface's setting does.
    const raw = c.req.query('quantize');
    const options = raw === undefined ? {} : { quantize: parseWith(quantizeSchema, raw, 'invalid_query', 'quantize') };
    const result = store.recall(nameOf(c.req.param('name')), options);
    if (result.ok) return c.json(result satisfies PresetRecall);
    if (result.reason === 'invalid') throw invalidParameters(result.errors);
    throw new ScopeError('not_found', result.message);
  });

  const deleteDoc = route({
    summary: 'deletes a preset of the active pipeline; answers the new list',
    params: presetParamsSchema,
    responses: { 200: presetListSchema },
    errors: ['invalid_body', 'not_found'],
  });
  api.delete('/presets/:name', deleteDoc, async (c) => {
    const name = nameOf(c.req.param('name'));
    if (!(await store.delete(name))) throw new ScopeError('not_found', `no preset "${name}" for this pipeline`);
    return c.json(store.list() satisfies PresetList);
  });

  return api;
}
