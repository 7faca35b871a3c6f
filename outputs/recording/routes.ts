/** `/api/v1/recording` (state and files), `/recording/start`, `/recording/stop`; and the `record` command. */
import { Hono } from 'hono';
import { ScopeError } from '../../src/kernel/errors';
import { recordingStateSchema } from '../../src/shared/perform';
import { apiPaths } from '../../src/shared/api-paths';
import { routes } from '../../src/http/routes';
import type { RouteDoc } from '../../src/shared/route-doc';
import type { OutputHub } from '../hub';
import type { RecordingOutput } from './recording-output';
import type { CommandRegistry } from '../../src/kernel/commands';

/** Starts (or stops) recording through the hub, so the recorder starts and stops like any output. */
async function setRecording(hub: OutputHub, recorder: RecordingOutput, on: boolean): Promise<void> {
  const availability = recorder.availability();
  if (on && !availability.available) throw new ScopeError('output_unavailable', availability.reason);
  // A recorder that failed is still on in the hub: starting it again is a fresh start, now.
  if (on && recorder.down) await hub.setEnabled(recorder.id, false);
  await hub.setEnabled(recorder.id, on);
}

export function recordingRoutes(hub: OutputHub, recorder: RecordingOutput): Hono {
  const api = new Hono();
  const r = routes(api);
  const stateDoc = {
    summary: 'recording state and the files recorded',
    responses: { 200: recordingStateSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.recording, stateDoc, async (c) => c.json(await recorder.state()));
  const startDoc = {
    summary: 'starts recording the output to MP4',
    responses: { 200: recordingStateSchema },
    errors: ['conflict', 'output_unavailable'],
  } satisfies RouteDoc;
  r.post(apiPaths.recordingStart, startDoc, async (c) => {
    if (hub.info(recorder.id).enabled && !recorder.down) throw new ScopeError('conflict', 'already recording');
    await setRecording(hub, recorder, true);
    return c.json(await recorder.state());
  });
  const stopDoc = {
    summary: 'stops recording; the file is complete',
    responses: { 200: recordingStateSchema },
    errors: ['conflict'],
  } satisfies RouteDoc;
  r.post(apiPaths.recordingStop, stopDoc, async (c) => {
    if (!hub.info(recorder.id).enabled) throw new ScopeError('conflict', 'not recording');
    await setRecording(hub, recorder, false);
    return c.json(await recorder.state());
  });
  return api;
}

/** `record 1|0` for OSC (`/scope/record`), the WebSocket and HTTP. */
export function addRecordingCommand(
  commands: Pick<CommandRegistry, 'add'>,
  hub: OutputHub,
  recorder: RecordingOutput,
  log: (message: string) => void,
): () => void {
  return commands.add({
    name: 'record',
    description: 'starts (true) or stops (false) recording the output to MP4',
    arg: 'bool',
    run: (on) => {
      const availability = recorder.availability();
      if (on === true && !availability.available) return { ok: false, reason: availability.reason };
      setRecording(hub, recorder, on === true).catch((err: Error) => log(`record: ${err.message}`));
      return { ok: true, detail: on === true ? 'recording' : 'stopped' };
    },
  });
}
