/**
 * The perform areas under /api/v1, one Hono sub-app each: /tempo, /cues, /timeline, /modulators, /takes,
 * /crossfade, /audio. Bodies are checked with zod; errors are kernel errors, answered by the server's one handler.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { parseWith } from '../kernel/errors';
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
import { apiPaths } from '../shared/api-paths';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import { SURFACES } from './quantize-settings';
import type { ErrorCode } from '../shared/api';
import type { PerformService } from './perform-service';

const idParams = z.object({ id: z.string() });
/** A body is read as JSON: not JSON, or not the shape, is refused with nothing changed. */
const bodyErrors: ErrorCode[] = ['bad_json', 'invalid_body'];

/** A new cue's name: the one name rule (src/shared/names.ts), as the cue list file is read with. */
const newCueParams = z.object({ name: cueSchema.shape.name });
/** An existing cue's name, as it may have been saved before the rule. */
const cueParams = z.object({ name: z.string().trim().min(1).max(64) });
const takeParams = z.object({ name: takeNameSchema });

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
  const r = routes(api);
  r.get(
    '/tempo',
    { summary: 'tempo, beat, bar, source, quantise settings, Link', responses: { 200: tempoStateSchema } },
    (c) => c.json(perform.tempoState()),
  );
  const putDoc = {
    summary: 'sets the tempo, the quantise of every surface (or of some), restarts the bar count',
    body: tempoBodySchema,
    emptyBody: {},
    bodyName: 'tempo ({"bpm": 128, "quantize": "bar"})',
    responses: { 200: tempoStateSchema },
    errors: bodyErrors,
  } satisfies RouteDoc;
  r.put(apiPaths.tempo, putDoc, (c) => {
    const b = c.req.valid('json');
    if (b.bpm !== undefined) perform.setBpm(b.bpm);
    if (typeof b.quantize === 'string') perform.setQuantize(b.quantize);
    else
      for (const [surface, q] of Object.entries(b.quantize ?? {}))
        perform.setQuantize(q, surface as (typeof SURFACES)[number]);
    if (b.restart) perform.tempo.restart();
    return c.json(perform.tempoState());
  });
  const tapDoc = { summary: 'one tap of tap tempo', responses: { 200: tempoStateSchema } } satisfies RouteDoc;
  r.post(apiPaths.tempoTap, tapDoc, (c) => {
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
  const r = routes(api);
  r.get(
    apiPaths.cues,
    { summary: 'the cue list, the current cue and its fade', responses: { 200: cueStateSchema } },
    (c) => c.json(service.cueState()),
  );
  r.get('/cues/export', { summary: 'the cue list as a file', responses: { 200: cueListSchema } }, (c) => {
    c.header('content-disposition', 'attachment; filename="cues.json"');
    return c.json({ version: 1, cues: service.cueState().cues });
  });
  const importDoc = {
    summary: 'replaces the whole cue list (an import)',
    body: cueListSchema,
    emptyBody: {},
    bodyName: 'cue list ({"cues": [...]})',
    responses: { 200: cueStateSchema },
    errors: [...bodyErrors, 'save_failed'],
  } satisfies RouteDoc;
  r.put(apiPaths.cues, importDoc, async (c) => {
    const list = c.req.valid('json');
    return c.json(await service.replaceCues(list.cues));
  });
  const goDoc = {
    summary: 'goes to a cue (by name or number, next or previous), quantised when asked',
    body: goBodySchema,
    emptyBody: {},
    bodyName: 'go ({"cue": "name" | number | "next" | "previous"})',
    responses: { 200: cueGoSchema },
    errors: [...bodyErrors, 'not_found'],
  } satisfies RouteDoc;
  r.post(apiPaths.cueGo, goDoc, (c) => {
    const b = c.req.valid('json');
    return c.json(service.goCue(b.cue, b.quantize));
  });
  const putDoc = {
    summary: 'saves a cue: the given values, or the current ones; fade, curve, quantise',
    params: newCueParams,
    paramsName: 'cue name',
    body: cueBodySchema,
    emptyBody: {},
    bodyName: 'cue ({"fade": 2, "values": {...}})',
    responses: { 200: cueStateSchema },
    errors: [...bodyErrors, 'invalid_parameters', 'save_failed'],
  } satisfies RouteDoc;
  r.put('/cues/:name', putDoc, async (c) => {
    const { name } = c.req.valid('param');
    const { index, ...cue } = c.req.valid('json');
    return c.json(await service.putCue({ ...cue, name }, index));
  });
  const deleteDoc = {
    summary: 'deletes a cue',
    params: cueParams,
    paramsName: 'cue name',
    responses: { 200: cueStateSchema },
    errors: ['invalid_body', 'not_found', 'save_failed'],
  } satisfies RouteDoc;
  r.delete('/cues/:name', deleteDoc, async (c) => c.json(await service.deleteCue(c.req.valid('param').name)));
  return api;
}

const playBodySchema = z.strictObject({ play: z.boolean().default(true), quantize: quantizeSchema.optional() });

/** /timeline: read, replace, play/stop, export. */
export function timelineRoutes(service: PerformService): Hono {
  const timeline = service.perform.timeline;
  const api = new Hono();
  const r = routes(api);
  const stateDoc = {
    summary: 'the prompt timeline and where it plays',
    responses: { 200: timelineStateSchema },
  } satisfies RouteDoc;
  r.get('/timeline', stateDoc, (c) => c.json(timeline.state()));
  r.get('/timeline/export', { summary: 'the timeline as a file', responses: { 200: timelineSchema } }, (c) => {
    c.header('content-disposition', 'attachment; filename="timeline.json"');
    return c.json(timeline.get());
  });
  const putDoc = {
    summary: 'replaces the timeline (saved in the config dir)',
    body: timelineSchema,
    emptyBody: {},
    bodyName: 'timeline ({"entries": [...]})',
    responses: { 200: timelineStateSchema },
    errors: [...bodyErrors, 'save_failed'],
  } satisfies RouteDoc;
  r.put('/timeline', putDoc, async (c) => {
    await service.setTimeline(c.req.valid('json'));
    return c.json(timeline.state());
  });
  const playDoc = {
    summary: 'plays the timeline from the top (quantised when asked) or stops it',
    body: playBodySchema,
    emptyBody: {},
    bodyName: 'play ({"play": true})',
    responses: { 200: timelineStateSchema },
    errors: [...bodyErrors, 'conflict'],
  } satisfies RouteDoc;
  r.post('/timeline/play', playDoc, (c) => {
    const b = c.req.valid('json');
    const beat = service.playTimeline(b.play, b.quantize);
    return c.json({ ...timeline.state(), ...(beat === undefined ? {} : { scheduled: beat }) });
  });
  return api;
}

/** /modulators: list, add or replace one, delete. */
export function modulatorRoutes(service: PerformService): Hono {
  const api = new Hono();
  const r = routes(api);
  const listDoc = {
    summary: 'LFO and audio modulators, with their live depth and rate',
    responses: { 200: modulatorListSchema },
  } satisfies RouteDoc;
  r.get('/modulators', listDoc, (c) => c.json({ modulators: service.modulatorList() }));
  const putDoc = {
    summary: 'adds or replaces a modulator; its depth and rate become parameters <id>.depth and <id>.rate',
    params: idParams,
    // The id is the path's (one in the body is replaced by it).
    body: modulatorSchema.partial({ id: true }),
    emptyBody: {},
    bodyName: 'modulator',
    responses: { 200: modulatorListSchema },
    errors: [...bodyErrors, 'invalid_parameters', 'conflict', 'save_failed'],
  } satisfies RouteDoc;
  r.put('/modulators/:id', putDoc, async (c) => {
    // The id comes from the path: the modulator is checked again with it.
    const m = parseWith(
      modulatorSchema,
      { ...c.req.valid('json'), id: c.req.param('id') },
      'invalid_body',
      'modulator',
    );
    return c.json({ modulators: await service.putModulator(m) });
  });
  const deleteDoc = {
    summary: 'removes a modulator and its parameters',
    params: idParams,
    responses: { 200: modulatorListSchema },
    errors: ['not_found', 'save_failed'],
  } satisfies RouteDoc;
  r.delete('/modulators/:id', deleteDoc, async (c) =>
    c.json({ modulators: await service.deleteModulator(c.req.param('id')) }),
  );
  return api;
}

const takePlayBodySchema = z.strictObject({ quantize: quantizeSchema.optional() });
const recordBodySchema = z.strictObject({ record: z.boolean(), name: takeNameSchema.optional() });

/** /takes: list, record on/off, export and import one, play, stop, delete. */
export function takeRoutes(service: PerformService): Hono {
  const api = new Hono();
  const r = routes(api);
  r.get('/takes', { summary: 'control takes: saved, recording, playing', responses: { 200: takesStateSchema } }, (c) =>
    c.json(service.takesState()),
  );
  const recordDoc = {
    summary: 'starts recording a take, or ends and saves it',
    body: recordBodySchema,
    emptyBody: {},
    bodyName: 'record ({"record": true, "name": "verse"})',
    responses: { 200: takesStateSchema },
    errors: [...bodyErrors, 'conflict', 'save_failed'],
  } satisfies RouteDoc;
  r.post('/takes/record', recordDoc, async (c) => {
    const b = c.req.valid('json');
    return c.json(b.record ? service.startTake(b.name) : await service.stopTake());
  });
  r.post('/takes/stop', { summary: 'stops playing a take back', responses: { 200: takesStateSchema } }, (c) =>
    c.json(service.stopPlayback()),
  );
  const getDoc = {
    summary: 'one take as a file (export)',
    params: takeParams,
    paramsName: 'take name',
    responses: { 200: takeSchema },
    errors: ['invalid_body', 'not_found'],
  } satisfies RouteDoc;
  r.get('/takes/:name', getDoc, (c) => c.json(service.getTake(c.req.valid('param').name)));
  const putDoc = {
    summary: 'saves a take (an import)',
    params: takeParams,
    paramsName: 'take name',
    body: takeSchema,
    emptyBody: {},
    bodyName: 'take (as exported)',
    responses: { 200: takesStateSchema },
    errors: [...bodyErrors, 'save_failed'],
  } satisfies RouteDoc;
  r.put('/takes/:name', putDoc, async (c) => {
    const take = c.req.valid('json');
    await service.saveTake({ ...take, name: c.req.valid('param').name });
    return c.json(service.takesState());
  });
  const playDoc = {
    summary: 'plays a take back (quantised when asked)',
    params: takeParams,
    paramsName: 'take name',
    body: takePlayBodySchema,
    emptyBody: {},
    bodyName: 'play ({"quantize": "bar"})',
    responses: { 200: takesStateSchema },
    errors: [...bodyErrors, 'not_found'],
  } satisfies RouteDoc;
  r.post('/takes/:name/play', playDoc, (c) => {
    const b = c.req.valid('json');
    const beat = service.playTake(c.req.valid('param').name, b.quantize);
    return c.json({ ...service.takesState(), ...(beat === undefined ? {} : { scheduled: beat }) });
  });
  const deleteDoc = {
    summary: 'deletes a take',
    params: takeParams,
    paramsName: 'take name',
    responses: { 200: takesStateSchema },
    errors: ['invalid_body', 'not_found', 'save_failed'],
  } satisfies RouteDoc;
  r.delete('/takes/:name', deleteDoc, async (c) => c.json(await service.deleteTake(c.req.valid('param').name)));
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
  const r = routes(api);
  const state = () => service.crossfadeState();
  const stateDoc = {
    summary: 'the A and B presets of the crossfader and its position',
    responses: { 200: crossfadeStateSchema },
  } satisfies RouteDoc;
  r.get('/crossfade', stateDoc, (c) => c.json(state()));
  const putDoc = {
    summary: 'sets the A and/or B preset, or a warm pipeline as A with the active one as B (null clears one)',
    body: crossfadeBodySchema,
    emptyBody: {},
    bodyName: 'crossfade ({"a": "calm", "b": "wild"})',
    responses: { 200: crossfadeStateSchema },
    errors: [...bodyErrors, 'not_found', 'conflict'],
  } satisfies RouteDoc;
  r.put('/crossfade', putDoc, (c) => {
    const b = c.req.valid('json');
    if (b.a !== undefined) service.setCrossfade('a', b.a);
    if (b.b !== undefined) service.setCrossfade('b', b.b);
    if (b.pipeline !== undefined) service.setCrossfadePipeline(b.pipeline);
    return c.json(state());
  });
  const audioDoc = {
    summary: 'the audio features now (level, bands, onset), 0..1',
    responses: { 200: audioFeaturesSchema },
  } satisfies RouteDoc;
  r.get('/audio', audioDoc, (c) => c.json(perform.audioFeatures()));
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
