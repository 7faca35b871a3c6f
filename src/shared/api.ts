/**
 * Shapes of the HTTP API, shared by the server and the web panel. The panel imports only src/shared, so these
 * mirror the engine's types instead of importing them; the server checks them against the engine at compile time.
 */
import { z } from 'zod';
import { memoryStatsSchema } from './memory';
import { latencyStatsSchema } from './latency';

export const paramValueSchema = z.union([z.number(), z.boolean(), z.string()]);
export type ParamValue = z.infer<typeof paramValueSchema>;

/** A JSON Schema document (the parameter set of a pipeline, with `x-scope` extras). */
export const jsonSchemaSchema = z.record(z.string(), z.unknown());
export type JsonSchema = z.infer<typeof jsonSchemaSchema>;

export const errorCodeSchema = z.enum([
  'bad_json',
  'invalid_body',
  'invalid_query',
  'invalid_parameters',
  'invalid_message',
  'unknown_pipeline',
  'unknown_parameter',
  'not_found',
  'forbidden_origin',
  'bad_host',
  'unauthorized',
  'too_many',
  'body_too_large',
  'load_superseded',
  'load_failed',
  'load_refused',
  'no_frame',
  'unknown_command',
  'command_rejected',
  'conflict',
  'unavailable',
  'output_unavailable',
  'memory_budget',
  'save_failed',
  'internal',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** The one error shape of every HTTP rejection (and of WebSocket `error` messages). */
export const apiErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  /** Per-parameter reasons, when parameters were rejected. */
  fields: z.record(z.string(), z.string()).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
export const errorBodySchema = z.object({ error: apiErrorSchema });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The watchdog's phases (src/engine/watchdog.ts); `state` is the coarse view of them. */
export const phaseSchema = z.enum(['idle', 'loading', 'ready', 'backoff', 'hung', 'crashed', 'failed']);

/** One change of the watchdog's phase, with its reason. */
export const transitionSchema = z.object({
  from: phaseSchema,
  to: phaseSchema,
  event: z.string(),
  reason: z.string(),
  at: z.string(),
  failures: z.number(),
});
export type Transition = z.infer<typeof transitionSchema>;

export const pipelineStatusSchema = z.object({
  state: z.enum(['idle', 'loading', 'ready', 'error']),
  phase: phaseSchema,
  /** Why it is in this phase, as a sentence. */
  reason: z.string(),
  pipelineId: z.string().nullable(),
  stage: z.string().nullable(),
  progress: z.number().nullable(),
  error: z
    .object({
      message: z.string(),
      during: z.enum(['load', 'render']),
      at: z.string(),
      consecutive: z.number(),
    })
    .nullable(),
  retryInMs: z.number().nullable(),
  loadedAt: z.string().nullable(),
  executionProvider: z.string(),
  executionProviderReason: z.string().nullable(),
  /** The last changes of phase, oldest first. */
  transitions: z.array(transitionSchema),
  /** Pipelines kept loaded for an instant switch, least recently used first. */
  warm: z.array(z.string()),
  /**
   * Each a sentence: nodes of its files that run on the CPU provider (its preflight's notes), then what it could not
   * do live (a LoRA change refused; gone once it could).
   */
  warnings: z.array(z.string()),
  /** The last load that failed after its preflight; the pipeline that ran before it went on. */
  lastLoadError: z
    .object({
      pipelineId: z.string(),
      phase: z.enum(['load', 'first render', 'process']),
      message: z.string(),
      at: z.string(),
    })
    .nullable(),
});
export type PipelineStatus = z.infer<typeof pipelineStatusSchema>;

export const statsSchema = z.object({
  /** Frames out per second, interpolated ones included. */
  fps: z.number(),
  /** Frames the pipeline rendered per second (fps / interpolate when it keeps up). */
  renderedFps: z.number(),
  targetFps: z.number(),
  frameTimeP50: z.number(),
  frameTimeP99: z.number(),
  intervalP50: z.number(),
  intervalP99: z.number(),
  intervalStddev: z.number(),
  frames: z.number(),
  dropped: z.number(),
  late: z.number(),
  renderErrors: z.number(),
  state: pipelineStatusSchema.shape.state,
  paused: z.boolean(),
  clients: z.object({ ws: z.number(), mjpeg: z.number() }),
  /** Requests, messages and bundles refused or dropped to protect the show, by reason. */
  refused: z.record(z.string(), z.number()),
  /** Memory of the server and its pipelines' processes; null before the first sample. */
  memory: memoryStatsSchema.nullable(),
  /** Per surface, arrival of a change to the first frame published with it (ms): p50, p95, count. */
  latency: latencyStatsSchema,
  /** How long the outputs hold the picture back (the output delay, ms); 0 when off. */
  outputDelayMs: z.number(),
});
export type Stats = z.infer<typeof statsSchema>;

/** GET /health. */
export const healthResponseSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  pipeline: z.string().nullable(),
  state: pipelineStatusSchema.shape.state,
  /** Liveness: the process answers. */
  live: z.literal(true),
  /** Readiness: a pipeline renders and nothing holds the node back (see `waiting`). */
  ready: z.boolean(),
  /** Why it is not ready, each a sentence (loading, draining, the show out of reach). */
  waiting: z.array(z.string()),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** One pipeline of GET /api/v1/pipelines: its parameters as JSON Schema, and whether it is the active one. */
export const pipelineInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  schema: jsonSchemaSchema,
  active: z.boolean(),
  /** Whether it uses the video input (`PUT /api/v1/input`). */
  takesInput: z.boolean(),
  /** Whether it can load here (files present, the budget), and if not why and what fixes it. */
  loadable: z.object({ ok: z.boolean(), reason: z.string().nullable(), fix: z.string().nullable() }),
});
export type PipelineInfo = z.infer<typeof pipelineInfoSchema>;
export const pipelineListSchema = z.array(pipelineInfoSchema);

const valuesSchema = z.record(z.string(), paramValueSchema);

/** GET /api/v1/parameters: the active parameter set. */
export const parametersResponseSchema = z.object({
  pipeline: z.string().nullable(),
  values: valuesSchema,
  schema: jsonSchemaSchema,
});
export type ParametersResponse = z.infer<typeof parametersResponseSchema>;

/** Answer to PATCH/PUT of parameters: the values as applied (clamped, coerced). */
export const parametersAppliedSchema = z.object({
  pipeline: z.string().nullable(),
  values: valuesSchema,
  /** The beat a quantised change will land on; absent when it applied at once. */
  scheduled: z.number().optional(),
});
export type ParametersApplied = z.infer<typeof parametersAppliedSchema>;

/**
 * Parameter values by name, as sent by a client; each is sanitized by its spec on the server. The object is
 * passed through as parsed (not rebuilt), so that even a `__proto__` key reaches the store and is refused there.
 */
export const paramPatchSchema = z
  .custom<Record<string, unknown>>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'expected an object of parameter name: value',
  )
  // What JSON Schema (and so the OpenAPI document) says of it; the check itself is the function above.
  .meta({ type: 'object', description: 'parameter name: value; each value is checked against its parameter' });

/** A crossfade from the pipeline switched away from, when both are kept warm (`--warm`), in milliseconds. */
export const fadeMsSchema = z.number().int().min(0).max(60_000);

export const loadBodySchema = z.strictObject({
  pipeline_id: z.string().min(1).max(200),
  params: paramPatchSchema.optional(),
  fade_ms: fadeMsSchema.optional(),
});
export type LoadBody = z.infer<typeof loadBodySchema>;

export const putParameterBodySchema = z.strictObject({ value: z.unknown() });

/** The `name` of PUT /api/v1/parameters/:name. */
export const parameterNameParamsSchema = z.object({ name: z.string() });

/** `?wait=true` (or `1`, or bare `?wait`) makes POST /api/v1/pipeline/load answer when loading ended. */
export const loadQuerySchema = z.object({
  wait: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => v === 'true' || v === '1' || v === ''),
});
