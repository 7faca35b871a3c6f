/** Where kernel error codes become HTTP statuses: once, here, for every route of every service. */
import { HTTPException } from 'hono/http-exception';
import { ScopeError, toScopeError } from '../kernel/errors';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody, ErrorCode } from '../shared/api';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  bad_json: 400,
  invalid_body: 400,
  invalid_query: 400,
  invalid_parameters: 400,
  invalid_message: 400,
  unknown_pipeline: 404,
  unknown_parameter: 404,
  unknown_command: 404,
  not_found: 404,
  forbidden_origin: 403,
  bad_host: 421,
  unauthorized: 401,
  too_many: 429,
  body_too_large: 413,
  load_superseded: 409,
  // The load cannot succeed here (files missing or damaged): refused before anything changed.
  load_refused: 409,
  command_rejected: 409,
  conflict: 409,
  unavailable: 409,
  output_unavailable: 409,
  load_failed: 500,
  // Insufficient Storage: the server cannot keep what was asked for (a pipeline's memory, a settings file).
  memory_budget: 507,
  save_failed: 507,
  internal: 500,
  no_frame: 503,
};

/** The HTTP status of an error code. */
export const statusOf = (code: ErrorCode): ContentfulStatusCode => STATUS[code];

/** Any thrown value (kernel errors, Hono's own exceptions, anything else) as a kernel error. */
export function fromThrown(err: unknown): ScopeError {
  if (err instanceof HTTPException) {
    const code: ErrorCode =
      err.status === 404
        ? 'not_found'
        : err.status === 413
          ? 'body_too_large'
          : err.status >= 500
            ? 'internal'
            : 'invalid_body';
    return new ScopeError(code, err.message);
  }
  return toScopeError(err);
}

/** Sends an error in the one shape `{ error: { code, message } }` with the code's status. */
export function errorResponse(c: Context, err: unknown): Response {
  const e = fromThrown(err);
  return c.json({ error: e.toJSON() } satisfies ErrorBody, statusOf(e.code));
}
