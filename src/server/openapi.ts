/**
 * `GET /api/v1/openapi.json`: an OpenAPI 3.1 document built from the live routes of the app and the descriptions
 * declared with them (src/http/routes.ts, the app's route table), with every schema converted from the zod schema the route validates or
 * answers with. An /api route without a description is listed as `x-undescribed`; the test next to this file
 * makes sure none is.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { apiErrorSchema } from '../shared/api';
import { bodyRequired, isMediaDoc } from '../shared/route-doc';
import { declaredRoutes, mount, routes } from '../http/routes';
import { statusOf } from './errors';
import type { ErrorCode } from '../shared/api';
import type { BodyDoc, RouteDoc } from '../shared/route-doc';

/** One route as Hono holds it (method, full path), with its description when it has one. */
export interface LiveRoute {
  method: string;
  path: string;
  doc: RouteDoc | undefined;
}

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route `app` serves (its public `routes`; middleware, method ALL, is not a route) with the description
 * declared for it in the app's route table (src/http/routes.ts), or none.
 */
export function liveRoutes(app: Hono): LiveRoute[] {
  const docs = new Map(declaredRoutes(app).map((r) => [`${r.method} ${r.path}`, r.doc]));
  const routes = new Map<string, LiveRoute>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    const key = `${r.method} ${r.path}`;
    routes.set(key, { method: r.method, path: r.path, doc: docs.get(key) });
  }
  return [...routes.values()];
}

/** `/presets/:name` as `/presets/{name}`; a trailing `*` takes the name of the one path parameter left over. */
export function openApiPath(path: string, doc: RouteDoc | undefined): string {
  const named = new Set<string>();
  const out = path.replace(/:(\w+)(\{[^}]*\})?\??/g, (_, name: string) => {
    named.add(name);
    return `{${name}}`;
  });
  if (!out.endsWith('/*')) return out;
  const rest = Object.keys(doc?.params?.shape ?? {}).find((name) => !named.has(name)) ?? 'path';
  return `${out.slice(0, -1)}{${rest}}`;
}

/** The error codes a route can answer with: its own, and those of the layers every route passes through. */
export function errorCodesOf(method: string, doc: RouteDoc): ErrorCode[] {
  const codes = new Set<ErrorCode>(doc.errors ?? []);
  if (doc.body && !isMediaDoc(doc.body)) codes.add('bad_json').add('invalid_body');
  if (doc.query) codes.add('invalid_query');
  // Path parameters are checked too; a route whose schema can refuse one names it (`paramsName`) for the sentence.
  if (doc.paramsName) codes.add('invalid_body');
  // The request guard (Host, Origin, the LAN token) and the body limit stand in front of every route.
  codes.add('bad_host').add('unauthorized');
  if (!SAFE_METHODS.has(method)) codes.add('forbidden_origin').add('body_too_large');
  codes.add('internal');
  return [...codes];
}

/** The OpenAPI document of every described route of `app`. */
export function openApiDocument(app: Hono, version: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const { method, path, doc } of liveRoutes(app)) {
    // An /api route nobody described is listed as such (and fails the test), so a forgotten one shows.
    if (!doc && !path.startsWith('/api/')) continue;
    const op = doc ? operation(method, path, doc) : { summary: 'not described', 'x-undescribed': true, responses: {} };
    (paths[openApiPath(path, doc)] ??= {})[method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'daydream-scope',
      version,
      description:
        'Live parameters, pipelines, presets, MIDI, outputs and frames of a daydream-scope server. Request bodies ' +
        'are read as JSON whatever their content type. Every error answers `{"error": {"code", "message"}}`.',
    },
    paths,
  };
}

/** Mounts `GET /api/v1/openapi.json` on `app`, the whole app, read when the document is asked for. */
export function mountOpenApi(app: Hono, version: string): void {
  const api = new Hono();
  let document: OpenApiDocument | undefined;
  routes(api).get(
    '/openapi.json',
    {
      summary: 'this document: every route with its parameters, bodies and answers',
      responses: { 200: z.object({ openapi: z.string(), info: z.object({}).loose(), paths: z.object({}).loose() }) },
    },
    // Built on the first request, when every route is mounted; routes do not change after that.
    (c) => c.json((document ??= openApiDocument(app, version))),
  );
  mount(app, '/api/v1', api);
}

function operation(method: string, path: string, doc: RouteDoc): Operation {
  const op: Operation = { summary: doc.summary, tags: [tagOf(path)] };
  if (doc.description) op.description = doc.description;
  const parameters = [...parametersOf(doc.params, 'path'), ...parametersOf(doc.query, 'query')];
  if (parameters.length > 0) op.parameters = parameters;
  if (doc.body) op.requestBody = requestBodyOf(doc.body, doc);
  const responses: Record<string, unknown> = {};
  for (const [status, body] of Object.entries(doc.responses)) responses[status] = responseOf(body, doc.summary);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(method, doc)) {
    byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  }
  for (const [status, codes] of byStatus) {
    responses[String(status)] ??= {
      description: `error: ${codes.join(', ')}`,
      content: { 'application/json': { schema: jsonSchema(errorBodyFor(codes), 'output') } },
    };
  }
  op.responses = responses;
  return op;
}

/** `/api/v1/midi/mappings` → `midi`; routes outside /api/v1 by their first segment (`whep`, `health`). */
function tagOf(path: string): string {
  const rest = path.startsWith('/api/v1/') ? path.slice('/api/v1/'.length) : path.slice(1);
  return rest.split(/[/.]/)[0] || 'root';
}

/** The one error shape with `code` narrowed to `codes`. */
function errorBodyFor(codes: ErrorCode[]): z.ZodType {
  return z.object({ error: apiErrorSchema.extend({ code: z.enum(codes as [ErrorCode, ...ErrorCode[]]) }) });
}

function parametersOf(schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

function requestBodyOf(body: NonNullable<RouteDoc['body']>, doc: RouteDoc): JsonSchema {
  if (isMediaDoc(body)) {
    return { required: true, description: body.description, content: { [body.media]: { schema: { type: 'string' } } } };
  }
  return {
    required: bodyRequired(doc, body),
    content: { 'application/json': { schema: jsonSchema(body, 'input') } },
  };
}

function responseOf(body: BodyDoc, summary: string): JsonSchema {
  if (body === 'empty') return { description: 'no content' };
  if (isMediaDoc(body))
    return { description: body.description, content: { [body.media]: { schema: { type: 'string' } } } };
  return { description: summary, content: { 'application/json': { schema: jsonSchema(body, 'output') } } };
}

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect); what JSON cannot say (a refinement) is left open. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return rest;
}
