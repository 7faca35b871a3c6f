/**
 * The one domain error: a stable code and a sentence for people, with no transport in it. Every surface turns it
 * into its own answer (the HTTP layer maps the code to a status once, the WebSocket sends it as an `error`
 * message, OSC logs it, commands return it as their reason).
 */
import type { z } from 'zod';
import type { ApiError, ErrorCode } from '../shared/api';

export type { ErrorCode };

export class ScopeError extends Error {
  constructor(
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

/** Any thrown value as the one error type; anything unknown becomes `internal`. */
export function toScopeError(err: unknown): ScopeError {
  if (err instanceof ScopeError) return err;
  return new ScopeError('internal', err instanceof Error ? err.message : String(err));
}

/** Parses JSON text; invalid JSON is a `bad_json` error naming the problem. */
export function parseJson(text: string, what = 'the request body'): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ScopeError('bad_json', `${what} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Reads a request body (anything with `text()`, such as Hono's `c.req`) as JSON whatever its content type. */
export async function readJson(body: { text(): Promise<string> }): Promise<unknown> {
  return parseJson(await body.text());
}

/** Validates with zod or throws `code` naming each problem. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, code: ErrorCode, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ScopeError(code, `invalid ${what}: ${describeIssues(result.error)}`);
}

/** Zod issues as one line: `pipeline_id: expected string; params: ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Rejected parameter values as one error; `fields` carries the reason for each. */
export function invalidParameters(errors: Record<string, string>): ScopeError {
  const list = Object.entries(errors)
    .map(([name, reason]) => `${name}: ${reason}`)
    .join('; ');
  return new ScopeError('invalid_parameters', `rejected, nothing changed: ${list}`, errors);
}
