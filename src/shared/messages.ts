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
import { midiStatusSchema } from './midi';
import { modelsStatusSchema } from './models';
import { inputListSchema, inputSelectionSchema } from './inputs';
import { outputListSchema } from './outputs';
import { presetListSchema } from './presets';
import { quantizeSchema } from './perform';

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

/** A change of a control or output service (`midi`, `outputs`, `presets`, `models`); `data` is its new state. */
export const eventMessageSchema = z.object({
  type: z.literal('event'),
  topic: z.string(),
  data: z.unknown(),
});

/** The `data` of each service's `event`, by topic: the same shape as the service's GET answer. */
export const serviceEventSchemas = {
  midi: midiStatusSchema,
  outputs: outputListSchema,
  inputs: inputListSchema,
  input: inputSelectionSchema,
  presets: presetListSchema,
  models: modelsStatusSchema,
} as const;
export type ServiceTopic = keyof typeof serviceEventSchemas;

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
