/**
 * `/api/v1/dmx`: the listeners' status, learn, and the mappings (list, replace all or nothing, add one, remove
 * one). Bodies are checked with the shared zod schemas; every failure answers in the one error shape.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { parseWith, readJson } from '../../src/kernel/errors';
import { route } from '../../src/shared/route-doc';
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

  const statusDoc = route({
    summary: 'DMX in: the Art-Net and sACN listeners (on, or off and why), learning, mappings',
    responses: { 200: dmxStatusSchema },
  });
  api.get('/dmx', statusDoc, (c) => c.json(service.status()));

  const listDoc = route({ summary: 'every DMX mapping', responses: { 200: dmxMappingsResponseSchema } });
  api.get('/dmx/mappings', listDoc, (c) => c.json({ mappings: service.mappings() }));

  const replaceDoc = route({
    summary: 'replaces every DMX mapping, all or nothing (the body GET returns, or the mappings file)',
    body: dmxMappingsDocumentSchema,
    responses: { 200: dmxMappingsResponseSchema },
    errors: ['invalid_body', 'save_failed'],
  });
  api.put('/dmx/mappings', replaceDoc, async (c) => {
    const body = parseWith(
      dmxMappingsDocumentSchema,
      await readJson(c.req),
      'invalid_body',
      'DMX mappings (expected {"mappings": [...]}); nothing changed',
    );
    return c.json({ mappings: await service.replaceMappings(body.mappings) });
  });

  const addDoc = route({
    summary: 'adds a DMX mapping; left out: 8 bits, the parameter range, linear',
    body: newDmxMappingSchema,
    responses: { 201: mappingResponseSchema },
    errors: ['unknown_parameter', 'invalid_body', 'save_failed'],
  });
  api.post('/dmx/mappings', addDoc, async (c) => {
    const body = parseWith(newDmxMappingSchema, await readJson(c.req), 'invalid_body', 'DMX mapping');
    return c.json({ mapping: await service.addMapping(body) }, 201);
  });

  const removeDoc = route({
    summary: 'removes a DMX mapping',
    params: idParamsSchema,
    responses: { 204: 'empty' },
    errors: ['not_found', 'save_failed'],
  });
  api.delete('/dmx/mappings/:id', removeDoc, async (c) => {
    await service.removeMapping(c.req.param('id'));
    return c.body(null, 204);
  });

  const learnDoc = route({
    summary: 'arms DMX learn: the next channel that moves drives `param` (`bits: 16` for a coarse/fine pair)',
    body: dmxLearnBodySchema,
    responses: { 202: dmxLearnResponseSchema },
    errors: ['unknown_parameter', 'unavailable'],
  });
  api.post('/dmx/learn', learnDoc, async (c) => {
    const body = parseWith(
      dmxLearnBodySchema,
      await readJson(c.req),
      'invalid_body',
      'body (expected {"param": name})',
    );
    return c.json({ learning: service.learn(body.param, body.bits, body.timeoutMs) }, 202);
  });

  const cancelDoc = route({ summary: 'stops DMX learn', responses: { 200: dmxLearnResponseSchema } });
  api.delete('/dmx/learn', cancelDoc, (c) => {
    service.cancelLearn();
    return c.json({ learning: null });
  });

  return api;
}
