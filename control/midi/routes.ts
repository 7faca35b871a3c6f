/**
 * `/api/v1/midi`: the service's status, MIDI learn, and the mappings (add, adjust, remove, import, export). Bodies
 * are checked with the shared zod schemas; every failure answers in the one error shape.
 */
import { Hono } from 'hono';
import { parseWith, readJson } from '../../src/kernel/errors';
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
import { route } from '../../src/shared/route-doc';
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

  const id = (raw: string) => {
    if (!mappingIdSchema.safeParse(raw).success) throw notFound(raw);
    return raw;
  };

  const statusDoc = route({
    summary: 'MIDI: available or why not, ports, learning, mappings',
    responses: { 200: midiStatusSchema },
  });
  api.get('/midi', statusDoc, (c) => c.json(service.status() satisfies MidiStatus));

  const learnDoc = route({
    summary: 'arms MIDI learn: the next control that moves drives `param`',
    body: learnBodySchema,
    responses: { 202: learnResponseSchema },
    errors: ['unknown_parameter', 'unavailable'],
  });
  api.post('/midi/learn', learnDoc, async (c) => {
    const body = parseWith(learnBodySchema, await readJson(c.req), 'invalid_body', 'body (expected {"param": name})');
    const learning = service.learn(body.param, body);
    return c.json({ learning } satisfies LearnResponse, 202);
  });

  const cancelDoc = route({ summary: 'cancels MIDI learn', responses: { 200: learnResponseSchema } });
  api.delete('/midi/learn', cancelDoc, (c) => {
    service.cancelLearn();
    return c.json({ learning: null } satisfies LearnResponse);
  });

  const listDoc = route({ summary: 'every MIDI mapping', responses: { 200: mappingsResponseSchema } });
  api.get('/midi/mappings', listDoc, (c) => c.json({ mappings: service.mappings() } satisfies MappingsResponse));

  const exportDoc = route({
    summary: 'the mappings as a file to keep (Content-Disposition: attachment); PUT /midi/mappings takes it back',
    responses: { 200: mappingsDocumentSchema },
  });
  api.get('/midi/mappings/export', exportDoc, (c) => {
    c.header('Content-Disposition', 'attachment; filename="midi-mappings.json"');
    return c.json(toDocument(service.mappings()) satisfies MappingsDocument);
  });

  const addDoc = route({
    summary: 'adds a mapping; what is left out gets the defaults (any device, omni, the parameter range)',
    body: newMappingSchema,
    responses: { 201: mappingResponseSchema },
    errors: ['unknown_parameter', 'save_failed'],
  });
  api.post('/midi/mappings', addDoc, async (c) => {
    const body = parseWith(newMappingSchema, await readJson(c.req), 'invalid_body', 'mapping');
    const mapping = await service.addMapping(body);
    return c.json({ mapping } satisfies MappingResponse, 201);
  });

  const replaceDoc = route({
    summary: 'replaces every mapping with an exported set, all or nothing',
    body: mappingsDocumentSchema,
    responses: { 200: mappingsResponseSchema },
    errors: ['unknown_parameter', 'save_failed'],
  });
  api.put('/midi/mappings', replaceDoc, async (c) => {
    const body = parseWith(
      mappingsDocumentSchema,
      await readJson(c.req),
      'invalid_body',
      'mappings (expected {"mappings": [...]}, as exported); nothing changed',
    );
    const mappings = await service.replaceMappings(body.mappings);
    return c.json({ mappings } satisfies MappingsResponse);
  });

  const patchDoc = route({
    summary: "adjusts a mapping: range, curve, invert, soft takeover, channel, a note's mode",
    params: mappingParamsSchema,
    body: mappingPatchSchema,
    responses: { 200: mappingResponseSchema },
    errors: ['not_found', 'save_failed'],
  });
  api.patch('/midi/mappings/:id', patchDoc, async (c) => {
    const patch = parseWith(mappingPatchSchema, await readJson(c.req), 'invalid_body', 'mapping change');
    const mapping = await service.patchMapping(id(c.req.param('id')), patch);
    return c.json({ mapping } satisfies MappingResponse);
  });

  const removeDoc = route({
    summary: 'removes a mapping',
    params: mappingParamsSchema,
    responses: { 204: 'empty' },
    errors: ['not_found', 'save_failed'],
  });
  api.delete('/midi/mappings/:id', removeDoc, async (c) => {
    await service.removeMapping(id(c.req.param('id')));
    return c.body(null, 204);
  });

  return api;
}
