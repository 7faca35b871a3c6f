/**
 * `/api/v1/dmx`: the listeners' status, learn, and the mappings (list, replace all or nothing, add one, remove
 * one). Bodies are checked with the shared zod schemas; every failure answers in the one error shape.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { routes } from '../../src/http/routes';
import { apiPaths } from '../../src/shared/api-paths';
import type { RouteDoc } from '../../src/shared/route-doc';
import {
  dmxLearnBodySchema,
  dmxLearnResponseSchema,
  dmxMappingSchema,
  dmxMappingsDocumentSchema,
  dmxMappingsResponseSchema,
  dmxStatusSchema,
  newDmxMappingSchema,
} from '../../src/shared/dmx';
import type { DmxService } from './service';

const idParamsSchema = z.object({ id: z.string() });
const mappingResponseSchema = z.object({ mapping: dmxMappingSchema });

/** The DMX routes, to be mounted under /api/v1. */
export function dmxRoutes(service: DmxService): Hono {
  const api = new Hono();
  const r = routes(api);

  const statusDoc = {
    summary: 'DMX in: the Art-Net and sACN listeners (on, or off and why), learning, mappings',
    responses: { 200: dmxStatusSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.dmx, statusDoc, (c) => c.json(service.status()));

  const listDoc = { summary: 'every DMX mapping', responses: { 200: dmxMappingsResponseSchema } } satisfies RouteDoc;
  r.get(apiPaths.dmxMappings, listDoc, (c) => c.json({ mappings: service.mappings() }));

  const replaceDoc = {
    summary: 'replaces every DMX mapping, all or nothing (the body GET returns, or the mappings file)',
    body: dmxMappingsDocumentSchema,
    bodyName: 'DMX mappings (expected {"mappings": [...]}); nothing changed',
    responses: { 200: dmxMappingsResponseSchema },
    errors: ['invalid_body', 'save_failed'],
  } satisfies RouteDoc;
  r.put(apiPaths.dmxMappings, replaceDoc, async (c) => {
    const body = c.req.valid('json');
    return c.json({ mappings: await service.replaceMappings(body.mappings) });
  });

  const addDoc = {
    summary: 'adds a DMX mapping; left out: 8 bits, the parameter range, linear',
    body: newDmxMappingSchema,
    bodyName: 'DMX mapping',
    responses: { 201: mappingResponseSchema },
    errors: ['unknown_parameter', 'invalid_body', 'save_failed'],
  } satisfies RouteDoc;
  r.post(apiPaths.dmxMappings, addDoc, async (c) => {
    const body = c.req.valid('json');
    return c.json({ mapping: await service.addMapping(body) }, 201);
  });

  const removeDoc = {
    summary: 'removes a DMX mapping',
    params: idParamsSchema,
    responses: { 204: 'empty' },
    errors: ['not_found', 'save_failed'],
  } satisfies RouteDoc;
  r.delete(apiPaths.dmxMapping, removeDoc, async (c) => {
    await service.removeMapping(c.req.param('id'));
    return c.body(null, 204);
  });

  const learnDoc = {
    summary: 'arms DMX learn: the next channel that moves drives `param` (`bits: 16` for a coarse/fine pair)',
    body: dmxLearnBodySchema,
    bodyName: 'body (expected {"param": name})',
    responses: { 202: dmxLearnResponseSchema },
    errors: ['unknown_parameter', 'unavailable'],
  } satisfies RouteDoc;
  r.post(apiPaths.dmxLearn, learnDoc, async (c) => {
    const body = c.req.valid('json');
    return c.json({ learning: service.learn(body.param, body.bits, body.timeoutMs) }, 202);
  });

  const cancelDoc = { summary: 'stops DMX learn', responses: { 200: dmxLearnResponseSchema } } satisfies RouteDoc;
  r.delete(apiPaths.dmxLearn, cancelDoc, (c) => {
    service.cancelLearn();
    return c.json({ learning: null });
  });

  return api;
}
