import { Hono } from 'hono';
import { z } from 'zod';
import { runCommand } from '../kernel/actions';
import { parseWith, readJson } from '../kernel/errors';
import type { ScopeServices } from '../kernel/services';

const commandBodySchema = z.strictObject({
  value: z.union([z.string().max(1000), z.number(), z.boolean()]).optional(),
});

/** `/api/v1/commands`: list them; `POST /api/v1/commands/<name>` with `{"value": …}` (or no body) runs one. */
export function commandRoutes(services: ScopeServices): Hono {
  const api = new Hono();
  api.get('/commands', (c) =>
    c.json({
      commands: services.commands.all().map(({ name, description, arg }) => ({ name, description, arg })),
    }),
  );
  // Names have slashes (`preset/recall`, `output/ndi/enabled`): everything after /commands/ is the name.
  api.post('/commands/*', async (c) => {
    const name = decodeURIComponent(c.req.path.slice(c.req.path.indexOf('/commands/') + '/commands/'.length));
    const text = await c.req.text();
    const body = text.trim() === '' ? {} : parseWith(commandBodySchema, await readJson(c.req), 'invalid_body', 'body');
    const detail = runCommand(services, name, body.value);
    return c.json({ ok: true, command: name, ...(detail === undefined ? {} : { detail }) });
  });
  return api;
}
