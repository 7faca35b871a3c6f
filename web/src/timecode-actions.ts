/** The timecode card's HTTP calls (PUT /api/v1/timecode): each answer is the new status, shown at once. */
import { timecodeStatusSchema } from '../../src/shared/timecode';
import { apiPaths, apiUrl } from '../../src/shared/api-paths';
import { api } from './client';
import type { ChaseSettings, TimecodePut, TimecodeRate } from '../../src/shared/timecode';
import type { PanelAction } from './state';

export interface TimecodeActions {
  /** The internal generator: runs (true) or stops. */
  run(running: boolean): void;
  /** The internal generator: moves to hh:mm:ss:ff (the server judges the text and says what is wrong). */
  locate(text: string): void;
  setRate(rate: TimecodeRate): void;
  setChase(chase: Partial<ChaseSettings>): void;
}

export function timecodeActions(dispatch: (a: PanelAction) => void): TimecodeActions {
  const put = (body: TimecodePut) =>
    void api(apiUrl(apiPaths.timecode), timecodeStatusSchema, { method: 'PUT', body }).then(
      (data) => dispatch({ type: 'service', topic: 'timecode', data }),
      (err: unknown) => dispatch({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  return {
    run: (running) => put({ running }),
    locate: (locate) => put({ locate }),
    setRate: (rate) => put({ rate }),
    setChase: (chase) => put({ chase }),
  };
}
