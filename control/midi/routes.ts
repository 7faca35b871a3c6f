/**
 * `/api/v1/midi`: the service's status, MIDI learn, and the mappings (add, adjust, remove, import, export). Bodies
 * are checked with the shared zod schemas; every failure answers in the one error shape.
 */
import { Hono } from 'hono';
import {
  learnBodySchema,
  learnResponseSchema,
  mappingIdSchema,
  mappingParamsSchema,
  mappingPatchSchema,
  mappingResponseSchema,
  mappingsDocumentSchema,
  mappingsResponseSchema,
  midiStatusSchema,
  newMappingSchema,
} from '../../src/shared/midi';
import { apiPaths } from '../../src/shared/api-paths';
import { routes } from '../../src/http/routes';
import type { RouteDoc } from '../../src/shared/route-doc';
import { notFound } from './mapping-book';
import { toDocument } from './mappings-file';
import type { MidiService } from './service';
import type {
  LearnResponse,
  MappingResponse,
  MappingsDocument,
  MappingsResponse,
  MidiStatus,
} from '../../src/shared/midi';

/** The MIDI routes, to be mounted under /api/v1. */
export function midiRoutes(service: MidiService): Hono {
  const api = new Hono();
  const r = routes(api);

  const id = (raw: string) => {
    if (!mappingIdSchema.safeParse(raw).success) throw notFound(raw);
    return raw;
  };

  const statusDoc = {
    summary: 'MIDI: available or why not, ports, learning, mappings',
    responses: { 200: midiStatusSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.midi, statusDoc, (c) => c.json(service.status() satisfies MidiStatus));

  const learnDoc = {
    summary: 'arms MIDI learn: the next control that moves drives `param`',
    body: learnBodySchema,
    bodyName: 'body (expected {"param": name})',
    responses: { 202: learnResponseSchema },
    errors: ['unknown_parameter', 'unavailable'],
  } satisfies RouteDoc;
  r.post(apiPaths.midiLearn, learnDoc, async (c) => {
    const body = c.req.valid('json');
    const learning = service.learn(body.param, body);
    return c.json({ learning } satisfies LearnResponse, 202);
  });

  const cancelDoc = { summary: 'cancels MIDI learn', responses: { 200: learnResponseSchema } } satisfies RouteDoc;
  r.delete(apiPaths.midiLearn, cancelDoc, (c) => {
    service.cancelLearn();
    return c.json({ learning: null } satisfies LearnResponse);
  });

  const listDoc = { summary: 'every MIDI mapping', responses: { 200: mappingsResponseSchema } } satisfies RouteDoc;
  r.get('/midi/mappings', listDoc, (c) => c.json({ mappings: service.mappings() } satisfies MappingsResponse));

  const exportDoc = {
    summary: 'the mappings as a file to keep (Content-Disposition: attachment); PUT /midi/mappings takes it back',
    responses: { 200: mappingsDocumentSchema },
  } satisfies RouteDoc;
  r.get('/midi/mappings/export', exportDoc, (c) => {
    c.header('Content-Disposition', 'attachment; filename="midi-mappings.json"');
    return c.json(toDocument(service.mappings()) satisfies MappingsDocument);
  });

  const addDoc = {
    summary: 'adds a mapping; what is left out gets the defaults (any device, omni, the parameter range)',
    body: newMappingSchema,
    bodyName: 'mapping',
    responses: { 201: mappingResponseSchema },
    errors: ['unknown_parameter', 'save_failed'],
  } satisfies RouteDoc;
  r.post('/midi/mappings', addDoc, async (c) => {
    const body = c.req.valid('json');
    const mapping = await service.addMapping(body);
    return c.json({ mapping } satisfies MappingResponse, 201);
  });

  const replaceDoc = {
    summary: 'replaces every mapping with an exported set, all or nothing',
    body: mappingsDocumentSchema,
    bodyName: 'mappings (expected {"mappings": [...]}, as exported); nothing changed',
    responses: { 200: mappingsResponseSchema },
    errors: ['unknown_parameter', 'save_failed'],
  } satisfies RouteDoc;
  r.put('/midi/mappings', replaceDoc, async (c) => {
    const body = c.req.valid('json');
    const mappings = await service.replaceMappings(body.mappings);
    return c.json({ mappings } satisfies MappingsResponse);
  });

  const patchDoc = {
    summary: "adjusts a mapping: range, curve, invert, soft takeover, channel, a note's mode",
    params: mappingParamsSchema,
    body: mappingPatchSchema,
    bodyName: 'mapping change',
    responses: { 200: mappingResponseSchema },
    errors: ['not_found', 'save_failed'],
  } satisfies RouteDoc;
  r.patch(apiPaths.midiMapping, patchDoc, async (c) => {
    const patch = c.req.valid('json');
    const mapping = await service.patchMapping(id(c.req.param('id')), patch);
    return c.json({ mapping } satisfies MappingResponse);
  });

  const removeDoc = {
    summary: 'removes a mapping',
    params: mappingParamsSchema,
    responses: { 204: 'empty' },
    errors: ['not_found', 'save_failed'],
  } satisfies RouteDoc;
  r.delete(apiPaths.midiMapping, removeDoc, async (c) => {
    await service.removeMapping(id(c.req.param('id')));
    return c.body(null, 204);
  });

  return api;
}
