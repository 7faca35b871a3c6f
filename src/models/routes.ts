import { Hono } from 'hono';
import { z } from 'zod';
import { ScopeError, parseWith, readJson } from '../kernel/errors';
import type { ModelManager } from './manager';

const downloadBodySchema = z.object({ model: z.string().min(1).max(200) });

/** `/api/v1/models/*`: the status of every model, and downloads started from the panel or a script. */
export function modelRoutes(manager: ModelManager): Hono {
  const api = new Hono();

  api.get('/models/status', async (c) => c.json(await manager.status()));

  // The answer does not wait for the download: progress comes by GET /models/status and the `models` event.
  // A second request while one runs joins it, so a double click is harmless.
  api.post('/models/download', async (c) => {
    const { model } = parseWith(
      downloadBodySchema,
      await readJson(c.req),
      'invalid_body',
      'body (expected {"model": "<id>"})',
    );
    if (!manager.has(model)) {
      const known =
        manager
          .list()
          .map((m) => m.id)
          .join(', ') || '(none)';
      throw new ScopeError('not_found', `unknown model "${model}"; known: ${known}`);
    }
    const before = await manager.modelStatus(model);
    if (before.state === 'ready') return c.json({ model, state: 'ready', joined: false }, 200);
    const joined = before.state === 'downloading';
    // Failures are kept in the model's status (state `error` with the sentence); nobody waits on this promise.
    manager.download(model).catch(() => undefined);
    return c.json({ model, state: 'downloading', joined }, 202);
  });

  return api;
}
