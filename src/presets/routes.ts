import { Hono } from 'hono';
import { z } from 'zod';
import { ScopeError, invalidParameters } from '../kernel/errors';
import { presetListQuerySchema, presetListSchema, presetRecallSchema, presetSaveBodySchema } from '../shared/presets';
import { apiPaths } from '../shared/api-paths';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import { quantizeQuerySchema } from '../shared/perform';
import { presetNameSchema } from './store';
import type { PresetList, PresetRecall } from '../shared/presets';
import type { PresetStore } from './store';

/** A preset's name in the path: the one name rule (src/shared/names.ts). */
const presetParams = z.object({ name: presetNameSchema });

/** `/presets` under /api/v1: list, save (current or given values), recall, delete; each answers the new list. */
export function presetRoutes(store: PresetStore): Hono {
  const api = new Hono();
  const r = routes(api);

  const listDoc = {
    summary: "the active pipeline's presets in recall order (?pipeline= another's)",
    query: presetListQuerySchema,
    responses: { 200: presetListSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.presets, listDoc, (c) => c.json(store.list(c.req.valid('query').pipeline) satisfies PresetList));

  const saveDoc = {
    summary: 'saves the current values (or the given ones) under a name; answers the new list',
    params: presetParams,
    paramsName: 'preset name',
    body: presetSaveBodySchema,
    // An empty body (curl -X PUT) saves the current values.
    emptyBody: {},
    bodyName: 'body ({} or {"values": {...}})',
    responses: { 200: presetListSchema },
    errors: ['invalid_parameters', 'conflict'],
  } satisfies RouteDoc;
  r.put(apiPaths.preset, saveDoc, async (c) => {
    const name = c.req.valid('param').name;
    const saved = await store.save(name, c.req.valid('json').values);
    if (!saved.ok) {
      if (saved.errors) throw invalidParameters(saved.errors);
      // Nothing is loaded: the request is fine, the server's state does not allow it.
      throw new ScopeError('conflict', saved.message);
    }
    return c.json(store.list() satisfies PresetList);
  });

  const recallDoc = {
    summary: 'applies a preset to the active pipeline, all at once',
    params: presetParams,
    paramsName: 'preset name',
    query: quantizeQuerySchema,
    responses: { 200: presetRecallSchema },
    errors: ['invalid_body', 'invalid_parameters', 'not_found'],
  } satisfies RouteDoc;
  r.post(apiPaths.presetRecall, recallDoc, (c) => {
    // `?quantize=bar` lands the recall on the next bar; left out, the preset surface's setting does.
    const { quantize } = c.req.valid('query');
    const result = store.recall(c.req.valid('param').name, quantize === undefined ? {} : { quantize });
    if (result.ok) return c.json(result satisfies PresetRecall);
    if (result.reason === 'invalid') throw invalidParameters(result.errors);
    throw new ScopeError('not_found', result.message);
  });

  const deleteDoc = {
    summary: 'deletes a preset of the active pipeline; answers the new list',
    params: presetParams,
    paramsName: 'preset name',
    responses: { 200: presetListSchema },
    errors: ['invalid_body', 'not_found'],
  } satisfies RouteDoc;
  r.delete(apiPaths.preset, deleteDoc, async (c) => {
    const name = c.req.valid('param').name;
    if (!(await store.delete(name))) throw new ScopeError('not_found', `no preset "${name}" for this pipeline`);
    return c.json(store.list() satisfies PresetList);
  });

  return api;
}
