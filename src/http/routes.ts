/**
 * One declaration per route: `routes(api).put('/presets/:name', { summary, body, responses, ... }, handler)`
 * validates the body and query with the zod schemas it names before the handler runs (so the handler reads the
 * parsed, typed value with `c.req.valid('json')` / `c.req.valid('query')` / `c.req.valid('param')`), and records the description in the
 * route table of `api`. `mount()` carries a sub-app's table into its parent's with the prefix, so the OpenAPI
 * document (src/server/openapi.ts) and the in-process view of the app read every description from the table.
 *
 * Bodies are read as JSON whatever their content type (the server always has): not JSON is `bad_json`, not the
 * shape is `invalid_body` with the words `bodyName` gives (`invalid cue list: cues: ...`).
 */
import { mergePath } from 'hono/utils/url';
import { parseJson, parseWith } from '../kernel/errors';
import { isMediaDoc } from '../shared/route-doc';
import type { Handler, Hono, MiddlewareHandler } from 'hono';
import type { BlankEnv } from 'hono/types';
import type { z } from 'zod';
import type { RouteDoc } from '../shared/route-doc';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** One described route: its method, its path as Hono holds it (`/api/v1/presets/:name`), its description. */
export interface DeclaredRoute {
  method: Method;
  path: string;
  doc: RouteDoc;
}

/** What the handler of a declaration reads with `c.req.valid(...)`: the body and query as its schemas output them. */
type Valid<D> = (D extends { body: infer B extends z.ZodType } ? { json: z.output<B> } : Record<never, never>) &
  (D extends { query: infer Q extends z.ZodType } ? { query: z.output<Q> } : Record<never, never>) &
  (D extends { params: infer R extends z.ZodType } ? { param: z.output<R> } : Record<never, never>);
type InputOf<D> = { out: Valid<D> };

const TABLES = new WeakMap<Hono, DeclaredRoute[]>();

function tableOf(app: Hono): DeclaredRoute[] {
  let table = TABLES.get(app);
  if (!table) TABLES.set(app, (table = []));
  return table;
}

/** Every route declared on `app`, and on the sub-apps mounted into it with `mount()`, by full path. */
export function declaredRoutes(app: Hono): readonly DeclaredRoute[] {
  return TABLES.get(app) ?? [];
}

/** `app.route(prefix, sub)` that also carries the declarations of `sub` into the table of `app`. */
export function mount(app: Hono, prefix: string, sub: Hono): void {
  app.route(prefix, sub);
  const table = tableOf(app);
  for (const r of declaredRoutes(sub)) table.push({ ...r, path: mergePath(prefix, r.path) });
}

/** The validators a description asks for: the path parameters, the JSON body, then the query. */
function validators(path: string, doc: RouteDoc): MiddlewareHandler[] {
  const out: MiddlewareHandler[] = [];
  const params = doc.params;
  // A trailing `*` has no name in Hono's parameters: such a route reads the rest of the path itself.
  if (params && !path.endsWith('*')) {
    out.push(async (c, next) => {
      const what = doc.paramsName ?? 'path';
      c.req.addValidatedData('param', parseWith(params, c.req.param(), 'invalid_body', what) as object);
      await next();
    });
  }
  const body = doc.body;
  if (body && !isMediaDoc(body)) {
    out.push(async (c, next) => {
      const text = await c.req.text();
      const json = 'emptyBody' in doc && text.trim() === '' ? doc.emptyBody : parseJson(text);
      c.req.addValidatedData('json', parseWith(body, json, 'invalid_body', doc.bodyName ?? 'body') as object);
      await next();
    });
  }
  const query = doc.query;
  if (query) {
    out.push(async (c, next) => {
      c.req.addValidatedData('query', parseWith(query, c.req.query(), 'invalid_query', doc.queryName ?? 'query'));
      await next();
    });
  }
  return out;
}

type Declare = <P extends string, D extends RouteDoc>(
  path: P,
  doc: D,
  handler: Handler<BlankEnv, P, InputOf<D>>,
) => void;

/** The declaring verbs of `api` (see the top of this file). */
export function routes(api: Hono): Record<'get' | 'post' | 'put' | 'patch' | 'delete' | 'options', Declare> {
  const table = tableOf(api);
  const on =
    (method: Method): Declare =>
    (path, doc, handler) => {
      table.push({ method, path, doc });
      // Hono's overloads type each handler count apart; the chain is built here, so it is added as one list.
      const add = api.on.bind(api) as (method: string, path: string, ...handlers: Handler[]) => Hono;
      add(method, path, ...validators(path, doc), handler as unknown as Handler);
    };
  return {
    get: on('GET'),
    post: on('POST'),
    put: on('PUT'),
    patch: on('PATCH'),
    delete: on('DELETE'),
    options: on('OPTIONS'),
  };
}
