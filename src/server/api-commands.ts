import { Hono } from 'hono';
import { commandBodySchema, commandListSchema, commandParamsSchema, commandResultSchema } from '../shared/commands';
import { routes } from '../http/routes';
import type { RouteDoc } from '../shared/route-doc';
import { runCommand } from '../kernel/actions';
import type { CommandList, CommandResponse } from '../shared/commands';
import type { ScopeServices } from '../kernel/services';

/** `/api/v1/commands`: list them; `POST /api/v1/commands/<name>` with `{"value": …}` (or no body) runs one. */
export function commandRoutes(services: ScopeServices): Hono {
  const api = new Hono();
  const r = routes(api);
  const listDoc = {
    summary: 'the actions that are not parameters',
    responses: { 200: commandListSchema },
  } satisfies RouteDoc;
  r.get('/commands', listDoc, (c) =>
    c.json({
      commands: services.commands.all().map(({ name, description, arg }) => ({ name, description, arg })),
    } satisfies CommandList),
  );
  // Names have slashes (`preset/recall`, `output/ndi/enabled`): everything after /commands/ is the name.
  const runDoc = {
    summary: 'runs a command by name (it may hold slashes: preset/recall); `value` as the command takes it',
    params: commandParamsSchema,
    body: commandBodySchema,
    emptyBody: {},
    responses: { 200: commandResultSchema },
    errors: ['unknown_command', 'command_rejected'],
  } satisfies RouteDoc;
  r.post('/commands/*', runDoc, (c) => {
    const name = decodeURIComponent(c.req.path.slice(c.req.path.indexOf('/commands/') + '/commands/'.length));
    const detail = runCommand(services, name, c.req.valid('json').value);
    return c.json({ ok: true, command: name, ...(detail === undefined ? {} : { detail }) } satisfies CommandResponse);
  });
  return api;
}
