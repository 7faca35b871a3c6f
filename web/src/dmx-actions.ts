/** The DMX card's HTTP calls (learn, cancel, remove): each refreshes the DMX state, as the MIDI ones do. */
import { z } from 'zod';
import { dmxLearnResponseSchema } from '../../src/shared/dmx';
import { apiPaths, apiUrl } from '../../src/shared/api-paths';
import { api } from './client';
import { refresh } from './actions';
import type { PanelAction } from './state';

export interface DmxActions {
  /** Arms learn: the next channel that moves on a desk drives `param` (a coarse/fine pair with 16 bits). */
  learn(param: string, bits: 8 | 16): void;
  cancelLearn(): void;
  remove(id: string): void;
}

export function dmxActions(dispatch: (a: PanelAction) => void): DmxActions {
  const then = (work: () => Promise<unknown>) =>
    work().then(
      () => refresh(dispatch, 'dmx'),
      (err: unknown) => dispatch({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  return {
    learn: (param, bits) =>
      void then(() =>
        api(apiUrl(apiPaths.dmxLearn), dmxLearnResponseSchema, { method: 'POST', body: { param, bits } }),
      ),
    cancelLearn: () => void then(() => api(apiUrl(apiPaths.dmxLearn), dmxLearnResponseSchema, { method: 'DELETE' })),
    // 204: no body.
    remove: (id) => void then(() => api(apiUrl(apiPaths.dmxMapping, { id }), z.undefined(), { method: 'DELETE' })),
  };
}
