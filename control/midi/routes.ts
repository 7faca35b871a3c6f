/**
 * `/api/v1/midi`: the service's status, MIDI learn, and the mappings (add, adjust, remove, import, export). Bodies
 * are checked with the shared zod schemas; every failure answers in the one error shape.
 */
import { Hono } from 'hono';
import { parseWith, readJson } from '../../src/kernel/errors';
import {
  learnBodySchema,
  mappingIdSchema,
  mappingPatchSchema,
  mappingsDocumentSchema,
  newMappingSchema,
} from '../../src/shared/midi';
import { notFound } from './mapping-book';
import { toDocument } from './mappings-file';
import type { MidiService } from './service';
import type { LearnResponse, MappingResponse, MappingsResponse, MidiStatus } from '../../src/shared/midi';

/** The MIDI routes, to be mounted under /api/v1. */
export function midiRoutes(service: MidiService): Hono {
  const api = new Hono();

  const id = (raw: string) => {
    if (!mappingIdSchema.safeParse(raw).success) throw notFound(raw);
    return raw;
  };

  api.get('/midi', (c) => c.json(service.status() satisfies MidiStatus));

  api.post('/midi/learn', async (c) => {
    const body = parseWith(learnBodySchema, await readJson(c.req), 'invalid_body', 'body (expected {"param": name})');
    const learning = service.learn(body.param, body);
    return c.json({ learning } satisfies LearnResponse, 202);
  });

  api.delete('/midi/learn', (c) => {
    service.cancelLearn();
    return c.json({ learning: null } satisfies LearnResponse);
  });

  api.get('/midi/mappings', (c) => c.json({ mappings: service.mappings() } satisfies MappingsResponse));

  api.get('/midi/mappings/export', (c) => {
    c.header('Content-Disposition', 'attachment; filename="midi-mappings.json"');
    return c.json(toDocument(service.mappings()));
  });

  api.post('/midi/mappings', async (c) => {
    const body = parseWith(newMappingSchema, await readJson(c.req), 'invalid_body', 'mapping');
    const mapping = await service.addMapping(body);
    return c.json({ mapping } satisfies MappingResponse, 201);
  });

  api.put('/midi/mappings', async (c) => {
    const body = parseWith(
      mappingsDocumentSchema,
      await readJson(c.req),
      'invalid_body',
      'mappings (expected {"mappings": [...]}, as exported); nothing changed',
    );
    const mappings = await service.replaceMappings(body.mappings);
    return c.json({ mappings } satisfies MappingsResponse);
  });

  api.patch('/midi/mappings/:id', async (c) => {
    const patch = parseWith(mappingPatchSchema, await readJson(c.req), 'invalid_body', 'mapping change');
    const mapping = await service.patchMapping(id(c.req.param('id')), patch);
    return c.json({ mapping } satisfies MappingResponse);
  });

  api.delete('/midi/mappings/:id', async (c) => {
    await service.removeMapping(id(c.req.param('id')));
    return c.body(null, 204);
  });

  return api;
}
