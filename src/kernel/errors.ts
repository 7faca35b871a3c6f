/**
 * The one domain error: a stable code and a sentence for people, with no transport in it. Every surface turns it
 * into its own answer (the HTTP layer maps the code to a status once, the WebSocket sends it as an `error`
 * message, OSC logs it, commands return it as their reason).
 */
import { clip } from '../shared/clip';
import type { z } from 'zod';
import type { ApiError, ErrorCode } from '../shared/api';

export type { ErrorCode };

/** Bounds of an error as sent: an answer to hostile input must not grow with it. */
const MAX_MESSAGE = 2000;
const MAX_FIELDS = 10;
const MAX_ISSUES = 10;

export class ScopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }

  /** The error as every surface sends it: bounded (a few KB) whatever the input that caused it. */
  toJSON(): ApiError {
    const message = clip(this.message, MAX_MESSAGE);
    if (!this.fields) return { code: this.code, message };
    const entries = Object.entries(this.fields).slice(0, MAX_FIELDS);
    return {
      code: this.code,
      message,
      fields: Object.fromEntries(entries.map(([k, v]) => [clip(k, 80), clip(v, 200)])),
    };
  }
}

/** The sentence of anything thrown: an Error's message, else the value as text. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Any thrown value as the one error type; anything unknown becomes `internal`. */
export function toScopeError(err: unknown): ScopeError {
  if (err instanceof ScopeError) return err;
  return new ScopeError('internal', errorText(err));
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
  const { issues } = error;
  const named = issues
    .slice(0, MAX_ISSUES)
    .map((issue) => clip(`${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`, 200));
  const more = issues.length - named.length;
  return more > 0 ? `${named.join('; ')}; and ${more} more` : named.join('; ');
}

/**
 * Rejected parameter values as one error; `fields` carries the reason for each one named, `more` counts those
 * rejected beyond them (a patch of 95,000 unknown keys is answered in a few hundred bytes).
 */
export function invalidParameters(errors: Record<string, string>, more = 0): ScopeError {
  const all = Object.entries(errors);
  const named = all.slice(0, MAX_FIELDS);
  const rest = more + all.length - named.length;
  const list = named.map(([name, reason]) => `${clip(name, 64)}: ${reason}`).join('; ');
  const tail = rest > 0 ? `; and ${rest} more (${named.length + rest} rejected in all)` : '';
  return new ScopeError('invalid_parameters', `rejected, nothing changed: ${list}${tail}`, Object.fromEntries(named));
}
