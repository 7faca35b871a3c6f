import { Hono } from 'hono';
import { ScopeError } from '../kernel/errors';
import { apiPaths } from '../shared/api-paths';
import { routes } from '../http/routes';
import { loraInstallBodySchema, loraInstallResponseSchema, lorasResponseSchema } from '../shared/loras';
import type { LoraInstallResponse, LorasResponse } from '../shared/loras';
import type { RouteDoc } from '../shared/route-doc';
import type { LoraInstaller } from './lora-install';

/** `/api/v1/loras`: the LoRA folder (the `lora` parameters' choices) and installs by URL. */
export function loraRoutes(installer: LoraInstaller): Hono {
  const api = new Hono();
  const r = routes(api);

  const listDoc = {
    summary: 'the LoRAs in the models folder’s loras/, and installs with their progress',
    responses: { 200: lorasResponseSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.loras, listDoc, (c) => c.json(installer.list() satisfies LorasResponse));

  // The answer does not wait for the download: progress comes by GET /loras. The same name again joins it.
  const installDoc = {
    summary: 'installs a .safetensors LoRA by URL (202), or says it is there (200); refuses what cannot be one',
    body: loraInstallBodySchema,
    bodyName: 'body (expected {"url": "https://…/name.safetensors", "name"?: "...", "sha256"?: "<hex>"})',
    responses: { 200: loraInstallResponseSchema, 202: loraInstallResponseSchema },
    errors: ['invalid_body'],
  } satisfies RouteDoc;
  r.post(apiPaths.loras, installDoc, (c) => {
    const started = installer.start(c.req.valid('json'));
    if ('error' in started) throw new ScopeError('invalid_body', started.error);
    const { name, state, joined } = started;
    return c.json({ name, state, joined } satisfies LoraInstallResponse, state === 'ready' ? 200 : 202);
  });

  return api;
}
