import { HTTPException } from 'hono/http-exception';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ApiError, ErrorBody, ErrorCode } from '../shared/api';

/** The one error of the HTTP and WebSocket layer: a status, a stable code and a sentence for people. */
export class ScopeHttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }

  toJSON(): ApiError {
    return this.fields
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
  }
}

export const badRequest = (code: ErrorCode, message: string, fields?: Record<string, string>) =>
  new ScopeHttpError(400, code, message, fields);

/** Any thrown value as the one error type; unknown errors become 500 `internal`. */
export function toScopeError(err: unknown): ScopeHttpError {
  if (err instanceof ScopeHttpError) return err;
  if (err instanceof HTTPException) {
    const code: ErrorCode = err.status === 404 ? 'not_found' : err.status === 413 ? 'body_too_large' : 'invalid_body';
    return new ScopeHttpError(err.status as ContentfulStatusCode, err.status >= 500 ? 'internal' : code, err.message);
  }
  return new ScopeHttpError(500, 'internal', err instanceof Error ? err.message : String(err));
}

/** Sends an error in the one shape `{ error: { code, message } }`. */
export function errorResponse(c: Context, err: ScopeHttpError): Response {
  return c.json({ error: err.toJSON() } satisfies ErrorBody, err.status);
}

/** Parses a request body as JSON whatever its content type; invalid JSON is a 400 `bad_json`. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest('bad_json', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Validates with zod or throws a 400 naming each problem. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, code: ErrorCode, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(code, `invalid ${what}: ${describeIssues(result.error)}`);
}

/** Zod issues as one line: `pipeline_id: expected string; params: ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Rejected parameter values as one error; `fields` carries the reason for each. */
export function invalidParameters(errors: Record<string, string>): ScopeHttpError {
  const list = Object.entries(errors)
    .map(([name, reason]) => `${name}: ${reason}`)
    .join('; ');
  return badRequest('invalid_parameters', `rejected, nothing changed: ${list}`, errors);
}
