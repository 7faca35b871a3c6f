/**
 * The MCP server of one session: tools and resources made from the server's own tables (routes, commands,
 * parameters), read again at every `tools/list`, so a command added or a pipeline loaded shows at once. Every
 * tool failure is an MCP tool result with `isError` and the server's sentence; nothing is thrown to the transport.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { commandTools } from './command-tools';
import { RESOURCES, readResource } from './resources';
import { routeToolTable, routeTools } from './route-tools';
import { toolError } from './tool';
import type { Command } from '../../src/kernel/commands';
import type { ApiRoute, Dispatch, JsonSchema, McpTool } from './tool';

/** What the MCP server reads from the app: the root hands these in. */
export interface McpSources {
  version: string;
  /** The routes mounted on the server, with their descriptions. */
  routes: () => ApiRoute[];
  /** The command table as it is now. */
  commands: () => Command[];
  /** The active pipeline's parameters as one JSON Schema object. */
  parameterSchema: () => JsonSchema;
  dispatch: Dispatch;
  /** Calls the listener when what the tools are made from may have changed (a command, a pipeline); optional. */
  changes?: (listener: () => void) => () => void;
}

const INSTRUCTIONS =
  'daydream-scope renders live generative video. Read scope://parameters/schema (or call parameters_get) to see ' +
  "the active pipeline's parameters, change them with parameters_set, look with frame_capture. Commands " +
  '(command_*) are the same actions OSC reaches at /scope/<name>.';

/** Every tool, route tools first, then one per command. */
export function toolsOf(sources: McpSources): McpTool[] {
  return [
    ...routeTools(sources.routes(), routeToolTable(sources.parameterSchema)),
    ...commandTools(sources.commands()),
  ];
}

/** What an agent would see in tools/list: a change of it is worth a `notifications/tools/list_changed`. */
export function toolsSignature(sources: McpSources): string {
  return JSON.stringify(toolsOf(sources).map((t) => [t.name, t.description, t.inputSchema]));
}

/** A new MCP server (one per session, as the SDK's transports want) over `sources`. */
export function createMcpServer(sources: McpSources): Server {
  const server = new Server(
    { name: 'daydream-scope', version: sources.version },
    { capabilities: { tools: { listChanged: true }, resources: {} }, instructions: INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: toolsOf(sources).map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name, arguments: args = {} } = request.params;
    const tools = toolsOf(sources);
    const tool = tools.find((t) => t.name === name);
    if (!tool) return toolError(`unknown tool "${name}"; known: ${tools.map((t) => t.name).join(', ')}`);
    try {
      return await tool.call(args, sources.dispatch);
    } catch (err) {
      return toolError(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, () => ({
    resources: RESOURCES.map(({ uri, name, description }) => ({
      uri,
      name,
      description,
      mimeType: 'application/json',
    })),
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const resource = RESOURCES.find((r) => r.uri === request.params.uri);
    if (!resource)
      throw new Error(`unknown resource "${request.params.uri}"; known: ${RESOURCES.map((r) => r.uri).join(', ')}`);
    const text = await readResource(resource, sources.dispatch);
    return { contents: [{ uri: resource.uri, mimeType: 'application/json', text }] };
  });
  return server;
}
