/**
 * The root's wiring of MCP (control/mcp): its sources are the app itself (routes and in-process requests), the
 * command table and the parameter store; `/mcp` is mounted at the root behind the request guard.
 */
import type { Hono } from 'hono';
import { arriving } from './engine/arrival';
import { mcpHttp } from '../control/mcp/http-routes';
import { paramsJsonSchema } from './params/json-schema';
import type { AppSelf } from './server/in-process';
import type { ScopeServices } from './kernel/services';

export interface McpSetup {
  /** For `selfRoutes` of the HTTP server: `/mcp` over the app. */
  routes(self: AppSelf): Hono;
  /** Ends every MCP session (before the HTTP server closes). */
  close(): Promise<void>;
}

/** MCP over the services; sessions open once the HTTP server mounted `routes`. */
export function setupMcp(services: ScopeServices): McpSetup {
  let http: ReturnType<typeof mcpHttp> | undefined;
  return {
    routes(self) {
      http = mcpHttp(
        {
          version: services.version,
          routes: () => self.routes(),
          commands: () => services.commands.all(),
          parameterSchema: () => paramsJsonSchema(services.params.all()),
          // A tool's writes are MCP's changes, stamped as the call arrives (latency under `mcp`, not `http`).
          dispatch: (method, path, body) =>
            arriving({ surface: 'mcp', at: services.engine.clock.now() }, () => self.request(method, path, body)),
          changes: (listener) => {
            const offStatus = services.host.onStatus(() => listener());
            const offCommands = services.commands.onChange(listener);
            return () => (offStatus(), offCommands());
          },
        },
        { log: services.log },
      );
      return http.routes;
    },
    close: async () => {
      await http?.close();
    },
  };
}
