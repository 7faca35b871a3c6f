/**
 * `daydream-scope show import --download`: has the server download the models a show lacks (POST
 * /api/v1/models/download, as the panel's Download button does) and follows them on GET /api/v1/models/status
 * until each is ready or failed.
 */
import { apiPaths } from './shared/api-paths';
import { downloadResponseSchema, modelsStatusSchema } from './shared/models';
import { errorBodySchema } from './shared/api';
import type { ShowCommandIo } from './show-command';

/** A request to the server's API: `path` under /api/v1. */
export type Request = (path: string, init: RequestInit) => Promise<Response>;

const LOOK_EVERY_MS = 250;

/** Starts every download, then waits for all of them; throws a sentence when one fails. */
export async function downloadModels(models: string[], request: Request, io: ShowCommandIo): Promise<void> {
  // The downloads run in the server, another process: its status is the only place their end shows, so this
  // looks at it every quarter second (the server answers from memory; a look costs it nothing).
  const wait = io.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (const model of models) {
    const res = await request(apiPaths.modelsDownload, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model }),
    });
    const body: unknown = await res.json().catch(() => undefined);
    const started = downloadResponseSchema.safeParse(body);
    if (!started.success) {
      const error = errorBodySchema.safeParse(body);
      throw new Error(
        `the server would not download ${model}: ${error.success ? error.data.error.message : `HTTP ${res.status}`}`,
      );
    }
    io.out(started.data.state === 'ready' ? `${model} is already there.` : `Downloading ${model}…`);
  }
  const pending = new Set(models);
  while (pending.size > 0) {
    const status = modelsStatusSchema.parse(await (await request(apiPaths.modelsStatus, { method: 'GET' })).json());
    for (const m of status.models) {
      if (!pending.has(m.id)) continue;
      if (m.state === 'ready') {
        pending.delete(m.id);
        io.out(`${m.id} is ready.`);
      } else if (m.state === 'error') {
        throw new Error(`downloading ${m.id} failed: ${m.error ?? 'no reason given'}`);
      }
    }
    if (pending.size > 0) await wait(LOOK_EVERY_MS);
  }
}
