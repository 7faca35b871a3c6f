/** The panel's HTTP calls to the optional services; each refreshes the state from the answer or a fresh GET. */
import { z } from 'zod';
import { parametersResponseSchema, pipelineListSchema } from '../../src/shared/api';
import { performServices } from './perform-types';
import { eventTopics } from '../../src/shared/event-topics';
import { learnResponseSchema, mappingResponseSchema } from '../../src/shared/midi';
import { downloadResponseSchema } from '../../src/shared/models';
import { outputInfoSchema } from '../../src/shared/outputs';
import { inputDevicesSchema, inputInfoSchema, inputSelectionSchema } from '../../src/shared/inputs';
import { presetListSchema, presetRecallSchema } from '../../src/shared/presets';
import { api, optionalApi } from './client';
import { apiPaths, apiUrl } from '../../src/shared/api-paths';
import type { PerformActions } from './components/perform-card';
import type { PerformTopic } from './perform-types';
import type { ServiceTopic } from '../../src/shared/messages';
import type { MidiActions } from './context';
import type { OutputActions } from './components/outputs-card';
import type { InputActions } from './components/input-card';
import type { PresetActions } from './components/presets-card';
import type { PanelAction } from './state';

type Dispatch = (a: PanelAction) => void;

/** Runs `work`, showing its failure to the performer in words instead of dropping it. */
function guarded(dispatch: Dispatch, work: () => Promise<unknown>): void {
  work().catch((err: unknown) =>
    dispatch({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
}

/** Fetches one optional service's state into the panel; a 404 means the server has none, and hides its card. */
export function refresh(dispatch: Dispatch, topic: ServiceTopic | PerformTopic): void {
  const service = Object.hasOwn(performServices, topic)
    ? performServices[topic as PerformTopic]
    : {
        path: {
          midi: apiUrl(apiPaths.midi),
          dmx: apiUrl(apiPaths.dmx),
          outputs: apiUrl(apiPaths.outputs),
          inputs: apiUrl(apiPaths.inputs),
          input: apiUrl(apiPaths.input),
          presets: apiUrl(apiPaths.presets),
          models: apiUrl(apiPaths.modelsStatus),
          loras: apiUrl(apiPaths.loras),
        }[topic as ServiceTopic],
        schema: eventTopics[topic as ServiceTopic] as z.ZodType,
      };
  optionalApi(service.path, service.schema as z.ZodType)
    .then((data) => dispatch({ type: 'service', topic, data }))
    // A service that fails to answer is shown as absent; the panel keeps working without it.
    .catch(() => dispatch({ type: 'service', topic, data: null }));
}

/** The pipelines afresh: whether each can load here changes as model files arrive. */
export function refreshPipelines(dispatch: Dispatch): void {
  guarded(dispatch, async () =>
    dispatch({ type: 'pipelines', pipelines: await api(apiUrl(apiPaths.pipelines), pipelineListSchema) }),
  );
}

export function refreshAll(dispatch: Dispatch): void {
  refreshPipelines(dispatch);
  for (const topic of [
    'midi',
    'dmx',
    'outputs',
    'inputs',
    'input',
    'presets',
    'models',
    'loras',
    'tempo',
    'cues',
    'recording',
    'timecode',
  ] as const) {
    refresh(dispatch, topic);
  }
}

/** The parameters afresh (modulators added or removed their depth and rate controls). */
export function refreshParameters(dispatch: Dispatch): void {
  guarded(dispatch, async () => {
    const p = await api(apiUrl(apiPaths.parameters), parametersResponseSchema);
    dispatch({ type: 'message', message: { type: 'pipeline', ...p } });
  });
}

export function performActions(dispatch: Dispatch, notify: (m: string) => void): PerformActions {
  const answer = z.unknown();
  const call = (path: string, body?: unknown, then?: (answer: unknown) => void) =>
    guarded(dispatch, async () =>
      then?.(await api(path, answer, { method: body === undefined ? 'POST' : 'PUT', body })),
    );
  const post = (path: string, body: unknown, then?: (answer: unknown) => void) =>
    guarded(dispatch, async () => then?.(await api(path, answer, { method: 'POST', body })));
  const tempo = (answer: unknown) => dispatch({ type: 'service', topic: 'tempo', data: answer });
  return {
    tap: () => call(apiUrl(apiPaths.tempoTap), undefined, tempo),
    setBpm: (bpm) => call(apiUrl(apiPaths.tempo), { bpm }, tempo),
    quantize: (q) => call(apiUrl(apiPaths.tempo), { quantize: q }, tempo),
    go: (cue) =>
      post(apiUrl(apiPaths.cueGo), { cue }, (answer) => {
        const beat = (answer as { beat?: number }).beat;
        if (beat !== undefined) notify(`Cue lands on beat ${beat}`);
      }),
    record: (on) =>
      post(apiUrl(on ? apiPaths.recordingStart : apiPaths.recordingStop), {}, (answer) =>
        dispatch({ type: 'service', topic: 'recording', data: answer }),
      ),
  };
}

export function midiActions(dispatch: Dispatch): MidiActions {
  const then = (work: () => Promise<unknown>) =>
    guarded(dispatch, async () => {
      await work();
      refresh(dispatch, 'midi');
    });
  return {
    learn: (param) =>
      then(() => api(apiUrl(apiPaths.midiLearn), learnResponseSchema, { method: 'POST', body: { param } })),
    cancelLearn: () => then(() => api(apiUrl(apiPaths.midiLearn), learnResponseSchema, { method: 'DELETE' })),
    patch: (id, patch) =>
      then(() => api(apiUrl(apiPaths.midiMapping, { id }), mappingResponseSchema, { method: 'PATCH', body: patch })),
    // 204: no body.
    unmap: (id) => then(() => api(apiUrl(apiPaths.midiMapping, { id }), z.undefined(), { method: 'DELETE' })),
  };
}

export function outputActions(dispatch: Dispatch): OutputActions {
  const put = (id: string, body: unknown) =>
    guarded(dispatch, async () => {
      await api(apiUrl(apiPaths.output, { id }), outputInfoSchema, { method: 'PUT', body });
      refresh(dispatch, 'outputs');
    });
  return {
    enable: (id, enabled) => put(id, { enabled }),
    rename: (id, name) => put(id, { options: { name } }),
  };
}

export function inputActions(dispatch: Dispatch, notify: (m: string) => void): InputActions {
  const then = (work: () => Promise<unknown>) =>
    guarded(dispatch, async () => {
      await work();
      refresh(dispatch, 'inputs');
      refresh(dispatch, 'input');
    });
  return {
    select: (source) =>
      then(() => api(apiUrl(apiPaths.input), inputSelectionSchema, { method: 'PUT', body: { source } })),
    fit: (fit) => then(() => api(apiUrl(apiPaths.input), inputSelectionSchema, { method: 'PUT', body: { fit } })),
    add: (spec) =>
      then(async () => {
        const added = await api(apiUrl(apiPaths.inputs), inputInfoSchema, { method: 'POST', body: spec });
        notify(`Added ${added.name}`);
        await api(apiUrl(apiPaths.input), inputSelectionSchema, { method: 'PUT', body: { source: added.id } });
      }),
    remove: (id) => then(() => api(apiUrl(apiPaths.inputSource, { id }), z.undefined(), { method: 'DELETE' })),
    restart: (id) => then(() => api(apiUrl(apiPaths.inputRestart, { id }), inputInfoSchema, { method: 'POST' })),
    options: (id, options) =>
      then(() => api(apiUrl(apiPaths.inputSource, { id }), inputInfoSchema, { method: 'PUT', body: { options } })),
    devices: () => api(apiUrl(apiPaths.inputDevices), inputDevicesSchema),
    failed: (message) => dispatch({ type: 'error', message }),
  };
}

export function presetActions(dispatch: Dispatch, notify: (m: string) => void): PresetActions {
  return {
    save: (name) =>
      guarded(dispatch, async () => {
        dispatch({
          type: 'service',
          topic: 'presets',
          data: await api(apiUrl(apiPaths.preset, { name }), presetListSchema, { method: 'PUT', body: {} }),
        });
        notify(`Saved “${name}”`);
      }),
    recall: (name) =>
      guarded(dispatch, async () => {
        const r = await api(apiUrl(apiPaths.presetRecall, { name }), presetRecallSchema, { method: 'POST' });
        const skipped = r.skipped.length ? ` (skipped: ${r.skipped.join(', ')})` : '';
        notify(`Recalled “${name}”${skipped}`);
      }),
    remove: (name) =>
      guarded(dispatch, async () => {
        dispatch({
          type: 'service',
          topic: 'presets',
          data: await api(apiUrl(apiPaths.preset, { name }), presetListSchema, { method: 'DELETE' }),
        });
      }),
  };
}

/** Starts a model download; progress then arrives as `models` events. */
export function downloadModel(dispatch: Dispatch, model: string): void {
  guarded(dispatch, async () => {
    await api(apiUrl(apiPaths.modelsDownload), downloadResponseSchema, { method: 'POST', body: { model } });
    refresh(dispatch, 'models');
  });
}
