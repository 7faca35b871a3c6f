/** The panel's LoRA install (POST /api/v1/loras): the answer comes at once, the progress by the `loras` event. */
import { apiPaths, apiUrl } from '../../src/shared/api-paths';
import { loraInstallResponseSchema } from '../../src/shared/loras';
import type { LoraInstallResponse } from '../../src/shared/loras';
import { api } from './client';

export function installLora(url: string): Promise<LoraInstallResponse> {
  return api(apiUrl(apiPaths.loras), loraInstallResponseSchema, { method: 'POST', body: { url } });
}
