/**
 * The MCP resources: what an agent reads rather than does. Each is one or more GET routes of the server, so a
 * resource says exactly what the API says.
 */
import type { Dispatch } from './tool';

export interface McpResource {
  uri: string;
  name: string;
  description: string;
  /** The routes read, by key: the resource is their answers under those keys (one route: its answer alone). */
  paths: Record<string, string>;
  /** Part of a single answer only (the schema of /parameters). */
  pick?: (body: Record<string, unknown>) => unknown;
}

export const RESOURCES: McpResource[] = [
  {
    uri: 'scope://parameters/schema',
    name: 'parameter-schema',
    description: "the active pipeline's parameters as JSON Schema: types, ranges, defaults, units",
    paths: { parameters: '/api/v1/parameters' },
    pick: (body) => body.schema,
  },
  {
    uri: 'scope://status',
    name: 'status',
    description: 'the pipeline (state, load progress, errors) and the engine statistics (fps, frames, clients)',
    paths: { pipeline: '/api/v1/pipeline/status', stats: '/api/v1/stats' },
  },
];

/** The resource's JSON text; a route that fails says so with its message (the error is thrown to the protocol). */
export async function readResource(resource: McpResource, dispatch: Dispatch): Promise<string> {
  const parts: Record<string, unknown> = {};
  for (const [key, path] of Object.entries(resource.paths)) {
    const res = await dispatch('GET', path);
    const body = (await res.json()) as Record<string, unknown>;
    if (!res.ok) {
      const message = (body.error as { message?: string } | undefined)?.message ?? `status ${res.status}`;
      throw new Error(`${resource.uri}: ${message}`);
    }
    parts[key] = body;
  }
  const keys = Object.keys(parts);
  const whole = keys.length === 1 ? parts[keys[0]!] : parts;
  return JSON.stringify(resource.pick ? resource.pick(whole as Record<string, unknown>) : whole, null, 2);
}
