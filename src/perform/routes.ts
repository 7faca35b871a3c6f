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
import {
  audioFeaturesSchema,
  crossfadeStateSchema,
  cueGoSchema,
  cueStateSchema,
  modulatorListSchema,
  takesStateSchema,
  tempoStateSchema,
  timelineStateSchema,
} from '../shared/perform';
import { route } from '../shared/route-doc';
import { SURFACES } from './quantize-settings';
import type { ErrorCode } from '../shared/api';
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

const nameParams = z.object({ name: z.string() });
const idParams = z.object({ id: z.string() });
/** A body is read as JSON: not JSON, or not the shape, is refused with nothing changed. */
const bodyErrors: ErrorCode[] = ['bad_json', 'invalid_body'];

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
  api.get(
    '/tempo',
    route({ summary: 'tempo, beat, bar, source, quantise settings, Link', responses: { 200: tempoStateSchema } }),
    (c) => c.json(perform.tempoState()),
  );
  const putDoc = route({
    summary: 'sets the tempo, the quantise of every surface (or of some), restarts the bar count',
    body: tempoBodySchema.optional(),
    responses: { 200: tempoStateSchema },
    errors: bodyErrors,
  });
  api.put('/tempo', putDoc, async (c) => {
    const b = await body(c.req, tempoBodySchema, 'tempo ({"bpm": 128, "quantize": "bar"})');
    if (b.bpm !== undefined) perform.setBpm(b.bpm);
    if (typeof b.quantize === 'string') perform.setQuantize(b.quantize);
    else
      for (const [surface, q] of Object.entries(b.quantize ?? {}))
        perform.setQuantize(q, surface as (typeof SURFACES)[number]);
    if (b.restart) perform.tempo.restart();
    return c.json(perform.tempoState());
  });
  const tapDoc = route({ summary: 'one tap of tap tempo', responses: { 200: tempoStateSchema } });
  api.post('/tempo/tap', tapDoc, (c) => {
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
  api.get(
    '/cues',
    route({ summary: 'the cue list, the current cue and its fade', responses: { 200: cueStateSchema } }),
    (c) => c.json(service.cueState()),
  );
  api.get('/cues/export', route({ summary: 'the cue list as a file', responses: { 200: cueListSchema } }), (c) => {
    c.header('content-disposition', 'attachment; filename="cues.json"');
    return c.json({ version: 1, cues: service.cueState().cues });
  });
  const importDoc = route({
    summary: 'replaces the whole cue list (an import)',
    body: cueListSchema,
    responses: { 200: cueStateSchema },
    errors: [...bodyErrors, 'save_failed'],
  });
  api.put('/cues', importDoc, async (c) => {
    const list = await body(c.req, cueListSchema, 'cue list ({"cues": [...]})');
    return c.json(await service.replaceCues(list.cues));
  });
  const goDoc = route({
    summary: 'goes to a cue (by name or number, next or previous), quantised when asked',
    body: goBodySchema.optional(),
    responses: { 200: cueGoSchema },
    errors: [...bodyErrors, 'not_found'],
  });
  api.post('/cues/go', goDoc, async (c) => {
    const b = await body(c.req, goBodySchema, 'go ({"cue": "name" | number | "next" | "previous"})');
    return c.json(service.goCue(b.cue, b.quantize));
  });
  const putDoc = route({
    summary: 'saves a cue: the given values, or the current ones; fade, curve, quantise',
    params: nameParams,
    body: cueBodySchema.optional(),
    responses: { 200: cueStateSchema },
    errors: [...bodyErrors, 'invalid_parameters', 'save_failed'],
  });
  api.put('/cues/:name', putDoc, async (c) => {
    // A new name: the one name rule (src/shared/names.ts), as the cue list file is read with.
    const name = parseWith(cueSchema.shape.name, c.req.param('name'), 'invalid_body', 'cue name');
    const { index, ...cue } = await body(c.req, cueBodySchema, 'cue ({"fade": 2, "values": {...}})');
    return c.json(await service.putCue({ ...cue, name }, index));
  });
  const deleteDoc = route({
    summary: 'deletes a cue',
    params: nameParams,
    responses: { 200: cueStateSchema },
    errors: ['invalid_body', 'not_found', 'save_failed'],
  });
  api.delete('/cues/:name', deleteDoc, async (c) =>
    c.json(await service.deleteCue(nameParam(c.req.param('name'), 'cue name'))),
  );
  return api;
}

const playBodySchema = z.strictObject({ play: z.boolean().default(true), quantize: quantizeSchema.optional() });

/** /timeline: read, replace, play/stop, export. */
export function timelineRoutes(service: PerformService): Hono {
  const timeline = service.perform.timeline;
  const api = new Hono();
  const stateDoc = route({
    summary: 'the prompt timeline and where it plays',
    responses: { 200: timelineStateSchema },
  });
  api.get('/timeline', stateDoc, (c) => c.json(timeline.state()));
  api.get('/timeline/export', route({ summary: 'the timeline as a file', responses: { 200: timelineSchema } }), (c) => {
    c.header('content-disposition', 'attachment; filename="timeline.json"');
    return c.json(timeline.get());
  });
  const putDoc = route({
    summary: 'replaces the timeline (saved in the config dir)',
    body: timelineSchema,
    responses: { 200: timelineStateSchema },
    errors: [...bodyErrors, 'save_failed'],
  });
  api.put('/timeline', putDoc, async (c) => {
    await service.setTimeline(await body(c.req, timelineSchema, 'timeline ({"entries": [...]})'));
    return c.json(timeline.state());
  });
  const playDoc = route({
    summary: 'plays the timeline from the top (quantised when asked) or stops it',
    body: playBodySchema.optional(),
    responses: { 200: timelineStateSchema },
    errors: [...bodyErrors, 'conflict'],
  });
  api.post('/timeline/play', playDoc, async (c) => {
    const b = await body(c.req, playBodySchema, 'play ({"play": true})');
    const beat = service.playTimeline(b.play, b.quantize);
    return c.json({ ...timeline.state(), ...(beat === undefined ? {} : { scheduled: beat }) });
  });
  return api;
}

/** /modulators: list, add or replace one, delete. */
export function modulatorRoutes(service: PerformService): Hono {
  const api = new Hono();
  const listDoc = route({
    summary: 'LFO and audio modulators, with their live depth and rate',
    responses: { 200: modulatorListSchema },
  });
  api.get('/modulators', listDoc, (c) => c.json({ modulators: service.modulatorList() }));
  const putDoc = route({
    summary: 'adds or replaces a modulator; its depth and rate become parameters <id>.depth and <id>.rate',
    params: idParams,
    body: modulatorSchema.omit({ id: true }),
    responses: { 200: modulatorListSchema },
    errors: [...bodyErrors, 'invalid_parameters', 'conflict', 'save_failed'],
  });
  api.put('/modulators/:id', putDoc, async (c) => {
    const b = await body(c.req, z.record(z.string(), z.unknown()), 'modulator');
    const m = parseWith(modulatorSchema, { ...b, id: c.req.param('id') }, 'invalid_body', 'modulator');
    return c.json({ modulators: await service.putModulator(m) });
  });
  const deleteDoc = route({
    summary: 'removes a modulator and its parameters',
    params: idParams,
    responses: { 200: modulatorListSchema },
    errors: ['not_found', 'save_failed'],
  });
  api.delete('/modulators/:id', deleteDoc, async (c) =>
    c.json({ modulators: await service.deleteModulator(c.req.param('id')) }),
  );
  return api;
}

const recordBodySchema = z.strictObject({ record: z.boolean(), name: takeNameSchema.optional() });

/** /takes: list, record on/off, export and import one, play, stop, delete. */
export function takeRoutes(service: PerformService): Hono {
  const api = new Hono();
  const takeName = (raw: string) => parseWith(takeNameSchema, raw, 'invalid_body', 'take name');
  api.get(
    '/takes',
    route({ summary: 'control takes: saved, recording, playing', responses: { 200: takesStateSchema } }),
    (c) => c.json(service.takesState()),
  );
  const recordDoc = route({
    summary: 'starts recording a take, or ends and saves it',
    body: recordBodySchema,
    responses: { 200: takesStateSchema },
    errors: [...bodyErrors, 'conflict', 'save_failed'],
  });
  api.post('/takes/record', recordDoc, async (c) => {
    const b = await body(c.req, recordBodySchema, 'record ({"record": true, "name": "verse"})');
    return c.json(b.record ? service.startTake(b.name) : await service.stopTake());
  });
  api.post('/takes/stop', route({ summary: 'stops playing a take back', responses: { 200: takesStateSchema } }), (c) =>
    c.json(service.stopPlayback()),
  );
  const getDoc = route({
    summary: 'one take as a file (export)',
    params: nameParams,
    responses: { 200: takeSchema },
    errors: ['invalid_body', 'not_found'],
  });
  api.get('/takes/:name', getDoc, (c) => c.json(service.getTake(takeName(c.req.param('name')))));
  const putDoc = route({
    summary: 'saves a take (an import)',
    params: nameParams,
    body: takeSchema,
    responses: { 200: takesStateSchema },
    errors: [...bodyErrors, 'save_failed'],
  });
  api.put('/takes/:name', putDoc, async (c) => {
    const take = await body(c.req, takeSchema, 'take (as exported)');
    await service.saveTake({ ...take, name: takeName(c.req.param('name')) });
    return c.json(service.takesState());
  });
  const playDoc = route({
    summary: 'plays a take back (quantised when asked)',
    params: nameParams,
    body: z.strictObject({ quantize: quantizeSchema.optional() }).optional(),
    responses: { 200: takesStateSchema },
    errors: [...bodyErrors, 'not_found'],
  });
  api.post('/takes/:name/play', playDoc, async (c) => {
    const b = await body(c.req, z.strictObject({ quantize: quantizeSchema.optional() }), 'play ({"quantize": "bar"})');
    const beat = service.playTake(takeName(c.req.param('name')), b.quantize);
    return c.json({ ...service.takesState(), ...(beat === undefined ? {} : { scheduled: beat }) });
  });
  const deleteDoc = route({
    summary: 'deletes a take',
    params: nameParams,
    responses: { 200: takesStateSchema },
    errors: ['invalid_body', 'not_found', 'save_failed'],
  });
  api.delete('/takes/:name', deleteDoc, async (c) => c.json(await service.deleteTake(takeName(c.req.param('name')))));
  return api;
}

const crossfadeBodySchema = z.strictObject({
  a: z.string().min(1).max(64).nullable().optional(),
  b: z.string().min(1).max(64).nullable().optional(),
  /** A warm pipeline as side A, the active one as B; null ends the mix. */
  pipeline: z.string().min(1).max(64).nullable().optional(),
});

/** /crossfade (A and B presets; the fader is the `xfade` parameter) and /audio (the features now). */
export function crossfadeRoutes(service: PerformService): Hono {
  const perform = service.perform;
  const api = new Hono();
  const state = () => service.crossfadeState();
  const stateDoc = route({
    summary: 'the A and B presets of the crossfader and its position',
    responses: { 200: crossfadeStateSchema },
  });
  api.get('/crossfade', stateDoc, (c) => c.json(state()));
  const putDoc = route({
    summary: 'sets the A and/or B preset, or a warm pipeline as A with the active one as B (null clears one)',
    body: crossfadeBodySchema,
    responses: { 200: crossfadeStateSchema },
    errors: [...bodyErrors, 'not_found', 'conflict'],
  });
  api.put('/crossfade', putDoc, async (c) => {
    const b = await body(c.req, crossfadeBodySchema, 'crossfade ({"a": "calm", "b": "wild"})');
    if (b.a !== undefined) service.setCrossfade('a', b.a);
    if (b.b !== undefined) service.setCrossfade('b', b.b);
    if (b.pipeline !== undefined) service.setCrossfadePipeline(b.pipeline);
    return c.json(state());
  });
  const audioDoc = route({
    summary: 'the audio features now (level, bands, onset), 0..1',
    responses: { 200: audioFeaturesSchema },
  });
  api.get('/audio', audioDoc, (c) => c.json(perform.audioFeatures()));
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
