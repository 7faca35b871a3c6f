/**
 * MCP tools made from the HTTP API's own routes: one table names the route behind each tool; the arguments'
 * JSON Schema and the description come from the route's description (src/shared/route-doc.ts), the same that
 * feeds /api/v1/openapi.json. The lister keeps only entries whose route is mounted on this server, so a tool can
 * neither drift from its route nor exist for a service that is not running.
 */
import { z } from 'zod';
import { bodyRequired, isMediaDoc } from '../../src/shared/route-doc';
import { resultOf, toolError } from './tool';
import type { RouteDoc } from '../../src/shared/route-doc';
import type { ApiRoute, JsonSchema, McpTool } from './tool';

export interface RouteTool {
  tool: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path as mounted, `:name` for path parameters. */
  path: string;
  /** Said before the route's own summary, when the route alone does not say enough to an agent. */
  lead?: string;
  /** Values used where the agent gives none (`wait: "true"` so a load answers once it ended). */
  defaults?: Record<string, string>;
  /** The body goes under this argument, with this schema (read when the tools are listed), not flattened. */
  bodyAs?: { name: string; schema: () => JsonSchema; required?: boolean };
}

/** Every route an agent drives, by area. A tool whose route is not mounted here is left out of the list. */
export function routeToolTable(parameterSchema: () => JsonSchema): RouteTool[] {
  return [
    { tool: 'parameters_get', method: 'GET', path: '/api/v1/parameters' },
    {
      tool: 'parameters_set',
      method: 'PATCH',
      path: '/api/v1/parameters',
      lead: 'values: {name: value} of the active pipeline (see the schema: numbers out of range are clamped).',
      bodyAs: { name: 'values', schema: parameterSchema },
    },
    { tool: 'pipelines_list', method: 'GET', path: '/api/v1/pipelines' },
    { tool: 'pipeline_status', method: 'GET', path: '/api/v1/pipeline/status' },
    {
      tool: 'pipeline_load',
      method: 'POST',
      path: '/api/v1/pipeline/load',
      lead: 'wait "true" (the default here) answers once loading ended; "false" answers at once.',
      defaults: { wait: 'true' },
    },
    { tool: 'presets_list', method: 'GET', path: '/api/v1/presets' },
    { tool: 'preset_recall', method: 'POST', path: '/api/v1/presets/:name/recall' },
    { tool: 'cues_list', method: 'GET', path: '/api/v1/cues' },
    { tool: 'cue_go', method: 'POST', path: '/api/v1/cues/go' },
    { tool: 'inputs_list', method: 'GET', path: '/api/v1/inputs' },
    { tool: 'input_get', method: 'GET', path: '/api/v1/input' },
    { tool: 'input_select', method: 'PUT', path: '/api/v1/input' },
    { tool: 'outputs_list', method: 'GET', path: '/api/v1/outputs' },
    { tool: 'output_set', method: 'PUT', path: '/api/v1/outputs/:id' },
    { tool: 'recording_status', method: 'GET', path: '/api/v1/recording' },
    { tool: 'recording_start', method: 'POST', path: '/api/v1/recording/start' },
    { tool: 'recording_stop', method: 'POST', path: '/api/v1/recording/stop' },
    { tool: 'tempo_get', method: 'GET', path: '/api/v1/tempo' },
    { tool: 'tempo_set', method: 'PUT', path: '/api/v1/tempo' },
    { tool: 'tempo_tap', method: 'POST', path: '/api/v1/tempo/tap' },
    { tool: 'stats', method: 'GET', path: '/api/v1/stats' },
    {
      tool: 'show_export',
      method: 'GET',
      path: '/api/v1/show',
      lead: 'Answers the whole show as one show file (JSON): keep it, and give it back to show_import.',
    },
    {
      tool: 'show_import',
      method: 'PUT',
      path: '/api/v1/show',
      lead: 'show: a show file as show_export answers it. What it needs and this server lacks is named, with its download.',
      // Any version up to the current one is read (older ones are migrated), so the route judges it, not a schema.
      bodyAs: {
        name: 'show',
        schema: () => ({ type: 'object', description: 'a show file (`"format": "daydream-scope-show"`)' }),
        required: true,
      },
    },
    {
      tool: 'frame_capture',
      method: 'GET',
      path: '/api/v1/frame',
      lead: 'Answers the picture being shown, as an image.',
    },
  ];
}

/** The tools of `table` whose routes are mounted (`routes`), with schemas from their descriptions. */
export function routeTools(routes: ApiRoute[], table: RouteTool[]): McpTool[] {
  const docs = new Map(routes.map((r) => [`${r.method} ${r.path}`, r.doc]));
  const tools: McpTool[] = [];
  for (const entry of table) {
    const key = `${entry.method} ${entry.path}`;
    if (!docs.has(key)) continue;
    tools.push(routeTool(entry, docs.get(key)));
  }
  return tools;
}

interface Shape {
  schema: JsonSchema & { type: 'object' };
  pathKeys: string[];
  queryKeys: string[];
  /** The body's own properties, flattened into the arguments; undefined when the body is one argument. */
  bodyKeys: string[] | undefined;
  bodyArg: string | undefined;
}

function routeTool(entry: RouteTool, doc: RouteDoc | undefined): McpTool {
  const description = [entry.lead, doc?.summary].filter(Boolean).join(' ');
  // The schema is built when the tools are listed: the parameters' (bodyAs) follow the pipeline loaded then.
  const shape = () => shapeOf(entry, doc);
  return {
    name: entry.tool,
    description: `${description} (${entry.method} ${entry.path})`,
    get inputSchema() {
      return shape().schema;
    },
    async call(args, dispatch) {
      const s = shape();
      const given = { ...entry.defaults, ...args };
      let path = entry.path;
      for (const key of s.pathKeys) {
        const value = given[key];
        if (value === undefined || value === '') return toolError(`${entry.tool} needs "${key}"`);
        path = path.replace(`:${key}`, encodeURIComponent(String(value)));
      }
      const query = new URLSearchParams();
      for (const key of s.queryKeys) if (given[key] !== undefined) query.set(key, String(given[key]));
      const rest = Object.keys(args).filter((k) => !s.pathKeys.includes(k) && !s.queryKeys.includes(k));
      let body: unknown;
      if (s.bodyArg !== undefined) {
        const stray = rest.filter((k) => k !== s.bodyArg);
        if (stray.length > 0) return toolError(`${entry.tool} takes no "${stray.join('", "')}"`);
        body = args[s.bodyArg];
      } else if (s.bodyKeys !== undefined) {
        // Every other argument goes to the body, so the route's own schema judges it (and names what it refuses).
        body = rest.length === 0 ? undefined : Object.fromEntries(rest.map((k) => [k, args[k]]));
      } else if (rest.length > 0) return toolError(`${entry.tool} takes no "${rest.join('", "')}"`);
      const q = query.toString();
      return resultOf(await dispatch(entry.method, q ? `${path}?${q}` : path, body));
    },
  };
}

function shapeOf(entry: RouteTool, doc: RouteDoc | undefined): Shape {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const take = (schema: JsonSchema, all: boolean) => {
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    Object.assign(properties, props);
    for (const name of all ? Object.keys(props) : ((schema.required ?? []) as string[])) required.push(name);
    return Object.keys(props);
  };
  const pathKeys = doc?.params ? take(jsonSchema(doc.params, 'input'), true) : [];
  const queryKeys = doc?.query ? take(jsonSchema(doc.query, 'input'), false) : [];
  for (const [key, value] of Object.entries(entry.defaults ?? {})) {
    if (properties[key]) properties[key] = { ...properties[key], default: value };
    const at = required.indexOf(key);
    if (at >= 0) required.splice(at, 1);
  }
  let bodyKeys: string[] | undefined;
  let bodyArg: string | undefined;
  const body = doc?.body && !isMediaDoc(doc.body) ? doc.body : undefined;
  if (entry.bodyAs) {
    bodyArg = entry.bodyAs.name;
    // A `$schema` belongs at a document's root, not inside a tool's arguments: some clients refuse it there.
    const { $schema: _, ...bodySchema } = entry.bodyAs.schema();
    properties[bodyArg] = bodySchema;
    if (entry.bodyAs.required || (body && doc && bodyRequired(doc, body))) required.push(bodyArg);
  } else if (body) {
    const schema = jsonSchema(body, 'input');
    if (schema.type === 'object' && schema.properties) bodyKeys = take(schema, false);
    else {
      bodyArg = 'body';
      properties.body = schema;
      if (doc && bodyRequired(doc, body)) required.push('body');
    }
  }
  const schema = { type: 'object' as const, properties, ...(required.length > 0 ? { required } : {}) };
  return { schema, pathKeys, queryKeys, bodyKeys, bodyArg };
}

/** A zod schema as JSON Schema, as the OpenAPI document writes it (what JSON cannot say is left open). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return rest;
}
