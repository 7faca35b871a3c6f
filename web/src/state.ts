/** Everything the panel shows, and how each server message changes it (a pure reducer, tested without a DOM). */
import { serviceEventSchemas } from '../../src/shared/messages';
import { modelLines } from './services';
import { cuesSchema, recordingSchema, tempoSchema } from './perform-types';
import type { CuesInfo, PerformTopic, RecordingInfo, TempoInfo } from './perform-types';
import type { JsonSchema, ParamValue, PipelineInfo, PipelineStatus, Stats } from '../../src/shared/api';
import type { ServerMessage, ServiceTopic } from '../../src/shared/messages';
import type { InputInfo, InputSelection } from '../../src/shared/inputs';
import type { MidiStatus } from './midi-types';
import type { ModelLine, OutputInfo, PresetList } from './services';

export interface PanelState {
  connected: boolean;
  version: string | null;
  pipeline: string | null;
  schema: JsonSchema;
  values: Record<string, ParamValue>;
  status: PipelineStatus | null;
  stats: Stats | null;
  /** Recent render times (ms), oldest first, for the sparkline. */
  frameTimes: number[];
  pipelines: PipelineInfo[];
  /** null: the server has no such service (404) or has not answered yet. */
  outputs: OutputInfo[] | null;
  /** The video inputs and the engine's choice among them (null: not there yet, or no such service). */
  inputs: InputInfo[] | null;
  input: InputSelection | null;
  midi: MidiStatus | null;
  presets: PresetList | null;
  models: ModelLine[];
  /** Tempo, cues and recording: null while the server has none (or has not said). */
  tempo: TempoInfo | null;
  cues: CuesInfo | null;
  recording: RecordingInfo | null;
  /** Parameters moved by modulators this frame: the values the pipeline renders with. */
  modulated: Record<string, number>;
  /** The last error the server sent about something this panel did. */
  lastError: string | null;
}

export const initialState: PanelState = {
  connected: false,
  version: null,
  pipeline: null,
  schema: {},
  values: {},
  status: null,
  stats: null,
  frameTimes: [],
  pipelines: [],
  outputs: null,
  inputs: null,
  input: null,
  midi: null,
  presets: null,
  models: [],
  tempo: null,
  cues: null,
  recording: null,
  modulated: {},
  lastError: null,
};

export const SPARK_POINTS = 60;

export type PanelAction =
  | { type: 'message'; message: ServerMessage }
  | { type: 'connected'; connected: boolean }
  | { type: 'local-values'; values: Record<string, ParamValue> }
  | { type: 'pipelines'; pipelines: PipelineInfo[] }
  | { type: 'service'; topic: ServiceTopic | PerformTopic; data: unknown }
  | { type: 'error'; message: string | null };

/** The next state after `action`. */
export function reduce(state: PanelState, action: PanelAction): PanelState {
  switch (action.type) {
    case 'connected':
      return { ...state, connected: action.connected };
    case 'local-values':
      return { ...state, values: { ...state.values, ...action.values } };
    case 'pipelines':
      return { ...state, pipelines: action.pipelines };
    case 'service':
      return applyService(state, action.topic, action.data);
    case 'error':
      return { ...state, lastError: action.message };
    case 'message':
      return applyMessage(state, action.message);
  }
}

function applyMessage(state: PanelState, m: ServerMessage): PanelState {
  switch (m.type) {
    case 'hello':
      return {
        ...state,
        version: m.version,
        pipeline: m.pipeline,
        schema: m.schema,
        values: m.values,
        status: m.status,
        stats: m.stats,
        pipelines: markActive(state.pipelines, m.pipeline),
      };
    case 'pipeline':
      return {
        ...state,
        pipeline: m.pipeline,
        schema: m.schema,
        values: m.values,
        pipelines: markActive(state.pipelines, m.pipeline),
      };
    case 'params':
    case 'ack':
      return m.values ? { ...state, values: { ...state.values, ...m.values } } : state;
    case 'state':
      return { ...state, status: m.status };
    case 'stats':
      return {
        ...state,
        stats: m.stats,
        frameTimes: [...state.frameTimes, m.stats.frameTimeP50].slice(-SPARK_POINTS),
      };
    case 'error':
      return { ...state, lastError: m.error.message };
    case 'event':
      return applyService(state, m.topic, m.data);
  }
}

/**
 * A service's new state (from its GET or its WS event), parsed with the service's shared schema; data that does
 * not parse leaves the state as it was, and topics the panel does not show are ignored.
 */
function applyService(state: PanelState, topic: string, data: unknown): PanelState {
  const performed = applyPerform(state, topic, data);
  if (performed) return performed;
  if (!Object.hasOwn(serviceEventSchemas, topic)) return state;
  const service = topic as ServiceTopic;
  // null: the server has no such service (its GET answered 404); its card hides.
  if (data === null && service !== 'models') return { ...state, [service]: null };
  switch (service) {
    case 'midi': {
      const parsed = serviceEventSchemas.midi.safeParse(data);
      return parsed.success ? { ...state, midi: parsed.data } : state;
    }
    case 'outputs': {
      const parsed = serviceEventSchemas.outputs.safeParse(data);
      return parsed.success ? { ...state, outputs: parsed.data } : state;
    }
    case 'presets': {
      const parsed = serviceEventSchemas.presets.safeParse(data);
      return parsed.success ? { ...state, presets: parsed.data } : state;
    }
    case 'inputs': {
      const parsed = serviceEventSchemas.inputs.safeParse(data);
      return parsed.success ? { ...state, inputs: parsed.data } : state;
    }
    case 'input': {
      const parsed = serviceEventSchemas.input.safeParse(data);
      return parsed.success ? { ...state, input: parsed.data } : state;
    }
    case 'models':
      return { ...state, models: modelLines(data) };
  }
}

/** The perform topics (tempo, cues, recording, modulation); undefined for any other topic. */
function applyPerform(state: PanelState, topic: string, data: unknown): PanelState | undefined {
  switch (topic) {
    case 'tempo': {
      if (data === null) return { ...state, tempo: null };
      const parsed = tempoSchema.safeParse(data);
      return parsed.success ? { ...state, tempo: { ...parsed.data, receivedAt: performance.now() } } : state;
    }
    case 'cues': {
      if (data === null) return { ...state, cues: null };
      const parsed = cuesSchema.safeParse(data);
      return parsed.success ? { ...state, cues: parsed.data } : state;
    }
    case 'recording': {
      if (data === null) return { ...state, recording: null };
      const parsed = recordingSchema.safeParse(data);
      return parsed.success ? { ...state, recording: parsed.data } : state;
    }
    case 'modulation': {
      const values = (data as { values?: unknown } | null)?.values;
      if (typeof values !== 'object' || values === null) return state;
      const numbers = Object.entries(values).filter((e): e is [string, number] => typeof e[1] === 'number');
      return { ...state, modulated: Object.fromEntries(numbers) };
    }
    default:
      return undefined;
  }
}

function markActive(pipelines: PipelineInfo[], active: string | null): PipelineInfo[] {
  return pipelines.map((p) => (p.active === (p.id === active) ? p : { ...p, active: p.id === active }));
}
