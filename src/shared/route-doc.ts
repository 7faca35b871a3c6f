/**
 * What an HTTP route takes and answers, declared once with the route itself (src/http/routes.ts): the body and
 * query schemas are what the route validates, and the OpenAPI document (src/server/openapi.ts) is built from the
 * same declarations, so it can neither miss a route nor describe one that does not exist.
 *
 *   routes(api).get('/presets', { summary: 'presets of the active pipeline', responses: { 200: presetListSchema } },
 *     (c) => c.json(store.list()));
 */
import type { z } from 'zod';
import type { ErrorCode } from './api';

/** A body that is not JSON (an image, an SDP offer, a page): its media type and what it is. */
export interface MediaDoc {
  media: string;
  description: string;
}

/** A JSON body (as its zod schema), another media type, or `'empty'` for none (204). */
export type BodyDoc = z.ZodType | MediaDoc | 'empty';

export interface RouteDoc {
  summary: string;
  /** Longer words when the summary is not enough. */
  description?: string;
  /** Path parameters: one per `:name` (and one for a trailing `*`). */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** The request body; a schema that accepts `undefined` (`.optional()`) makes it optional. */
  body?: z.ZodType | MediaDoc;
  /** What an empty request body reads as (`{}`); left out, an empty body is not JSON. */
  emptyBody?: unknown;
  /** Words naming the body in an error sentence: `invalid <bodyName>: ...` (`body` when left out). */
  bodyName?: string;
  /** Words naming the path parameters in an error sentence (`path` when left out); refused as `invalid_body`. */
  paramsName?: string;
  /** Words naming the query in an error sentence (`query` when left out). */
  queryName?: string;
  /** Answers by status; errors in the one JSON error shape are named in `errors` instead. */
  responses: Record<number, BodyDoc>;
  /** The error codes this route answers with in the `{error: {code, message}}` shape; the server maps each to its status. */
  errors?: ErrorCode[];
}

/** Whether a request must carry `body`: not when its schema takes what an empty body reads as. */
export function bodyRequired(doc: RouteDoc, body: z.ZodType): boolean {
  return !body.safeParse('emptyBody' in doc ? doc.emptyBody : undefined).success;
}

/** Whether `body` is a non-JSON body description. */
export function isMediaDoc(body: BodyDoc | z.ZodType): body is MediaDoc {
  return typeof body === 'object' && 'media' in body && !('safeParse' in body);
}
