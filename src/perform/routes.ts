/**
 * The perform areas under /api/v1, one Hono sub-app each: /tempo, /cues, /timeline, /modulators, /takes,
 * /crossfade, /audio. Bodies are checked with zod; errors are kernel errors, answered by the server's one handler.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { parseWith, readJson } from '../kernel/errors';
import {
  cueListSchema,
  cueSchema,
  modulatorSchema,
  quantizeSchema,
  takeNameSchema,
  takeSchema,
  timelineSchema,
} from '../shared/perform';
import { SURFACES } from './quantize-settings';
import type { PerformService } from './perform-service';

/** A JSON body (an empty one reads as `{}`), checked by `schema`. */
async function body<T extends z.ZodType>(
  req: { text(): Promise<string> },
  schema: T,
  what: string,
): Promise<z.infer<T>> {
  const text = await req.text();
  const json = text.trim() === '' ? {} : await readJson({ text: async () => text });
  return parseWith(schema, json, 'invalid_body', what);
}

const nameParam = (raw: string, what: string) => parseWith(z.string().trim().min(1).max(64), raw, 'invalid_body', what);

const tempoBodySchema = z.strictObject({
  bpm: z.number().min(20).max(999).optional(),
  /** One setting for every surface, or one per surface. */
  quantize: z.union([quantizeSchema, z.partialRecord(z.enum(SURFACES), quantizeSchema)]).optional(),
  restart: z.boolean().optional(),
});

/** GET/PUT /tempo, POST /tempo/tap. */
export function tempoRoutes(service: PerformService): Hono {
  const perform = service.perform;
  const api = new Hono();
  api.get('/tempo', (c) => c.json(perform.tempoState()));
  api.put('/tempo', async (c) => {
    const b = await body(c.req, tempoBodySchema, 'tempo ({"bpm": 128, "quantize": "bar"})');
    if (b.bpm !== undefined) perform.setBpm(b.bpm);
    if (typeof b.quantize === 'string') perform.setQuantize(b.quantize);
    else
      for (const [surface, q] of Object.entries(b.quantize ?? {}))
        perform.setQuantize(q, surface as (typeof SURFACES)[number]);
    if (b.restart) perform.tempo.restart();
    return c.json(perform.tempoState());
  });
  api.post('/tempo/tap', (c) => {
    perform.tapTempo();
    return c.json(perform.tempoState());
  });
  return api;
}

const cueBodySchema = cueSchema
  .omit({ name: true })
  .partial({ values: true })
  .extend({
    /** Where a new cue goes in the list (the end by default). */
    index: z.number().int().min(0).optional(),
  });
const goBodySchema = z.strictObject({
  cue: z.union([z.string().min(1).max(64), z.number().int().min(0)]).default('next'),
  quantize: quantizeSchema.optional(),
});

/** /cues: list, replace all (import), save one (current values when none given), delete, go, export. */
export function cueRoutes(service: PerformService): Hono {
  const api = new Hono();
  api.get('/cues', (c) => c.json(service.cueState()));
  api.get('/cues/export', (c) => {
    c.header('content-disposition', 'attachment; filename="cues.json"');
    return c.json({ version: 1, cues: service.cueState().cues });
  });
  api.put('/cues', async (c) => {
    const list = await body(c.req, cueListSchema, 'cue list ({"cues": [...]})');
    return c.json(await service.replaceCues(list.cues));
  });
  api.post('/cues/go', async (c) => {
    const b = await body(c.req, goBodySchema, 'go ({"cue": "name" | number | "next" | "previous"})');
    return c.json(service.goCue(b.cue, b.quantize));
  });
  api.put('/cues/:name', async (c) => {
    const name = nameParam(c.req.param('name'), 'cue name');
    const { index, ...cue } = await body(c.req, cueBodySchema, 'cue ({"fade": 2, "values": {...}})');
    return c.json(await service.putCue({ ...cue, name }, index));
  });
  api.delete('/cues/:name', async (c) => c.json(await service.deleteCue(nameParam(c.req.param('name'), 'cue name'))));
  return api;
}

const playBodySchema = z.strictObject({ play: z.boolean().default(true), quantize: quantizeSchema.optional() });

/** /timeline: read, replace, play/stop, export. */
export function timelineRoutes(service: PerformService): Hono {
  const timeline = service.perform.timeline;
  const api = new Hono();
  api.get('/timeline', (c) => c.json(timeline.state()));
  api.get('/timeline/export', (c) => {
    c.header('content-disposition', 'attachment; filename="timeline.json"');
    return c.json(timeline.get());
  });
  api.put('/timeline', async (c) => {
    await service.setTimeline(await body(c.req, timelineSchema, 'timeline ({"entries": [...]})'));
    return c.json(timeline.state());
  });
  api.post('/timeline/play', async (c) => {
    const b = await body(c.req, playBodySchema, 'play ({"play": true})');
    const beat = service.playTimeline(b.play, b.quantize);
    return c.json({ ...timeline.state(), ...(beat === undefined ? {} : { scheduled: beat }) });
  });
  return api;
}

/** /modulators: list, add or replace one, delete. */
export function modulatorRoutes(service: PerformService): Hono {
  const api = new Hono();
  api.get('/modulators', (c) => c.json({ modulators: service.modulatorList() }));
  api.put('/modulators/:id', async (c) => {
    const b = await body(c.req, z.record(z.string(), z.unknown()), 'modulator');
    const m = parseWith(modulatorSchema, { ...b, id: c.req.param('id') }, 'invalid_body', 'modulator');
    return c.json({ modulators: await service.putModulator(m) });
  });
  api.delete('/modulators/:id', async (c) => c.json({ modulators: await service.deleteModulator(c.req.param('id')) }));
  return api;
}

const recordBodySchema = z.strictObject({ record: z.boolean(), name: takeNameSchema.optional() });

/** /takes: list, record on/off, export and import one, play, stop, delete. */
export function takeRoutes(service: PerformService): Hono {
  const api = new Hono();
  const takeName = (raw: string) => parseWith(takeNameSchema, raw, 'invalid_body', 'take name');
  api.get('/takes', (c) => c.json(service.takesState()));
  api.post('/takes/record', async (c) => {
    const b = await body(c.req, recordBodySchema, 'record ({"record": true, "name": "verse"})');
    return c.json(b.record ? service.startTake(b.name) : await service.stopTake());
  });
  api.post('/takes/stop', (c) => c.json(service.stopPlayback()));
  api.get('/takes/:name', (c) => c.json(service.getTake(takeName(c.req.param('name')))));
  api.put('/takes/:name', async (c) => {
    const take = await body(c.req, takeSchema, 'take (as exported)');
    await service.saveTake({ ...take, name: takeName(c.req.param('name')) });
    return c.json(service.takesState());
  });
  api.post('/takes/:name/play', async (c) => {
    const b = await body(c.req, z.strictObject({ quantize: quantizeSchema.optional() }), 'play ({"quantize": "bar"})');
    const beat = service.playTake(takeName(c.req.param('name')), b.quantize);
    return c.json({ ...service.takesState(), ...(beat === undefined ? {} : { scheduled: beat }) });
  });
  api.delete('/takes/:name', async (c) => c.json(await service.deleteTake(takeName(c.req.param('name')))));
  return api;
}

const crossfadeBodySchema = z.strictObject({
  a: z.string().min(1).max(64).nullable().optional(),
  b: z.string().min(1).max(64).nullable().optional(),
});

/** /crossfade (A and B presets; the fader is the `xfade` parameter) and /audio (the features now). */
export function crossfadeRoutes(service: PerformService): Hono {
  const perform = service.perform;
  const api = new Hono();
  const state = () => ({ a: perform.crossfader.a, b: perform.crossfader.b, x: perform.o.params.get('xfade') ?? 0 });
  api.get('/crossfade', (c) => c.json(state()));
  api.put('/crossfade', async (c) => {
    const b = await body(c.req, crossfadeBodySchema, 'crossfade ({"a": "calm", "b": "wild"})');
    if (b.a !== undefined) service.setCrossfade('a', b.a);
    if (b.b !== undefined) service.setCrossfade('b', b.b);
    return c.json(state());
  });
  api.get('/audio', (c) => c.json(perform.audioFeatures()));
  return api;
}

/** Every perform area, for the composition root to mount under /api/v1. */
export function performRoutes(service: PerformService): Hono[] {
  return [
    tempoRoutes(service),
    cueRoutes(service),
    timelineRoutes(service),
    modulatorRoutes(service),
    takeRoutes(service),
    crossfadeRoutes(service),
  ];
}
