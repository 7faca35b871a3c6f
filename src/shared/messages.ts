/** WebSocket messages of `/ws`, both directions, as zod schemas with inferred types. */
import { z } from 'zod';
import {
  apiErrorSchema,
  fadeMsSchema,
  jsonSchemaSchema,
  paramPatchSchema,
  paramValueSchema,
  pipelineStatusSchema,
  statsSchema,
} from './api';
import { commandValueSchema } from './commands';
import { eventTopics } from './event-topics';
import { quantizeSchema } from './perform';
import type { EventTopic } from './event-topics';

/** A client's correlation id, echoed in the `ack` or `error` answering that message. */
export const requestIdSchema = z.union([z.string().max(200), z.number()]);
export type RequestId = z.infer<typeof requestIdSchema>;

// ---- client -> server ----

/** Sets several parameters, all or nothing. */
export const setMessageSchema = z.strictObject({
  type: z.literal('set'),
  params: paramPatchSchema,
  /** Lands on the next beat, bar or N bars (`beat`, `bar`, `4bars`); left out: the ws surface's setting. */
  quantize: quantizeSchema.optional(),
  id: requestIdSchema.optional(),
});

/** Loads a pipeline; `params` are checked against its specs before anything changes. */
export const loadMessageSchema = z.strictObject({
  type: z.literal('load'),
  pipeline_id: z.string().min(1).max(200),
  params: paramPatchSchema.optional(),
  fade_ms: fadeMsSchema.optional(),
  id: requestIdSchema.optional(),
});

/** Pauses rendering; the outputs keep receiving the last frame. */
export const pauseMessageSchema = z.strictObject({
  type: z.literal('pause'),
  paused: z.boolean(),
  id: requestIdSchema.optional(),
});

/** Runs a command that is not a parameter (`preset/recall`, `output/ndi/enabled`, `midi/learn`, …). */
export const commandMessageSchema = z.strictObject({
  type: z.literal('command'),
  name: z.string().min(1).max(200),
  value: commandValueSchema.optional(),
  id: requestIdSchema.optional(),
});

export const clientMessageSchema = z.discriminatedUnion('type', [
  setMessageSchema,
  loadMessageSchema,
  pauseMessageSchema,
  commandMessageSchema,
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

// ---- server -> client ----

const valuesSchema = z.record(z.string(), paramValueSchema);

/** First message on every connection: everything a panel needs to draw itself. */
export const helloMessageSchema = z.object({
  type: z.literal('hello'),
  version: z.string(),
  pipeline: z.string().nullable(),
  values: valuesSchema,
  schema: jsonSchemaSchema,
  status: pipelineStatusSchema,
  stats: statsSchema,
});

/** The parameter set was replaced (a pipeline load began): new schema and values. */
export const pipelineMessageSchema = z.object({
  type: z.literal('pipeline'),
  pipeline: z.string().nullable(),
  values: valuesSchema,
  schema: jsonSchemaSchema,
});

/** Accepted changes from another surface; a socket never receives its own changes back. */
export const paramsMessageSchema = z.object({
  type: z.literal('params'),
  values: valuesSchema,
  source: z.string(),
});

/** Answer to a client message that carried an `id`; `values` are the applied (clamped) values of a `set`. */
export const ackMessageSchema = z.object({
  type: z.literal('ack'),
  id: requestIdSchema,
  values: valuesSchema.optional(),
  status: pipelineStatusSchema.optional(),
  paused: z.boolean().optional(),
  /** The beat a quantised `set` will land on. */
  scheduled: z.number().optional(),
  /** What a command did, in words, when it says. */
  detail: z.string().optional(),
});

/** Pipeline host status: load stages and progress, errors. */
export const stateMessageSchema = z.object({ type: z.literal('state'), status: pipelineStatusSchema });

/** Engine statistics, about four times a second (dropped for a socket that is not keeping up). */
export const statsMessageSchema = z.object({ type: z.literal('stats'), stats: statsSchema });

/** A rejected message; nothing changed. */
export const errorMessageSchema = z.object({
  type: z.literal('error'),
  error: apiErrorSchema,
  id: requestIdSchema.optional(),
});

/** One `event` per topic of src/shared/event-topics.ts: `data` is checked against that topic's schema. */
function eventOf<K extends EventTopic>(topic: K) {
  return z.object({ type: z.literal('event'), topic: z.literal(topic), data: eventTopics[topic] });
}

/**
 * A change of a service (`midi`, `outputs`, `presets`, `tempo`, `cues`, …); `data` is its new state. A topic of the
 * table missing here fails to compile in src/server/ws.ts, and src/shared/event-topics.test.ts checks each one.
 */
export const eventMessageSchema = z.discriminatedUnion('topic', [
  eventOf('midi'),
  eventOf('dmx'),
  eventOf('outputs'),
  eventOf('inputs'),
  eventOf('input'),
  eventOf('presets'),
  eventOf('models'),
  eventOf('loras'),
  eventOf('tempo'),
  eventOf('cues'),
  eventOf('timeline'),
  eventOf('timecode'),
  eventOf('crossfade'),
  eventOf('modulators'),
  eventOf('modulation'),
  eventOf('takes'),
  eventOf('takes-playing'),
  eventOf('recording'),
]);

/** The control and output services the panel fetches with a GET as well as following their events. */
export type ServiceTopic = Extract<
  EventTopic,
  'midi' | 'dmx' | 'outputs' | 'inputs' | 'input' | 'presets' | 'models' | 'loras'
>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  helloMessageSchema,
  pipelineMessageSchema,
  paramsMessageSchema,
  ackMessageSchema,
  stateMessageSchema,
  statsMessageSchema,
  errorMessageSchema,
  eventMessageSchema,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type HelloMessage = z.infer<typeof helloMessageSchema>;
export type ParamsMessage = z.infer<typeof paramsMessageSchema>;
export type AckMessage = z.infer<typeof ackMessageSchema>;
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
export type EventMessage = z.infer<typeof eventMessageSchema>;
