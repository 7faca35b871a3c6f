/** The panel's setting of the output delay (PUT /api/v1/output-delay); the stats then show the new figure. */
import { outputDelaySchema } from '../../src/shared/latency';
import { apiPaths, apiUrl } from '../../src/shared/api-paths';
import { api } from './client';
import type { OutputDelayBody } from '../../src/shared/latency';
import type { PanelAction } from './state';

export function outputDelayAction(dispatch: (a: PanelAction) => void): (body: OutputDelayBody) => void {
  return (body) =>
    void api(apiUrl(apiPaths.outputDelay), outputDelaySchema, { method: 'PUT', body }).catch((err: unknown) =>
      dispatch({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
}
