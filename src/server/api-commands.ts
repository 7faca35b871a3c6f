import { Hono } from 'hono';
import { commandBodySchema, commandListSchema, commandParamsSchema, commandResultSchema } from '../shared/commands';
import { route } from '../shared/route-doc';
import { runCommand } from '../kernel/actions';
import { parseWith, readJson } from '../kernel/errors';
import type { CommandList, CommandResponse } from '../shared/commands';
import type { ScopeServices } from '../kernel/services';

/** `/api/v1/commands`: list them; `POST /api/v1/commands/<name>` with `{"value": …}` (or no body) runs one. */
export function commandRoutes(services: ScopeServices): Hono {
  const api = new Hono();
  const listDoc = route({ summary: 'the actions that are not parameters', responses: { 200: commandListSchema } });
  api.get('/commands', listDoc, (c) =>
    c.json({
      commands: services.commands.all().map(({ name, description, arg }) => ({ name, description, arg })),
    } satisfies CommandList),
  );
  // Names have slashes (`preset/recall`, `output/ndi/enabled`): everything after /commands/ is the name.
  const runDoc = route({
    summary: 'runs a command by name (it may hold slashes: preset/recall); `value` as the command takes it',
    params: commandParamsSchema,
    body: commandBodySchema.optional(),
    responses: { 200: commandResultSchema },
    errors: ['unknown_command', 'command_rejected'],
  });
  api.post('/commands/*', runDoc, async (c) => {
    const name = decodeURIComponent(c.req.path.slice(c.req.path.indexOf('/commands/') + '/commands/'.length));
    const text = await c.req.text();
    const body = text.trim() === '' ? {} : parseWith(commandBodySchema, await readJson(c.req), 'invalid_body', 'body');
    const detail = runCommand(services, name, body.value);
    return c.json({ ok: true, command: name, ...(detail === undefined ? {} : { detail }) } satisfies CommandResponse);
  });
  return api;
}
