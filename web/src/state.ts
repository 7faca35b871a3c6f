/** Everything the panel shows, and how each server message changes it (a pure reducer, tested without a DOM). */
import { parseEvent } from '../../src/shared/event-topics';
import { modelLines } from './services';
import type { CuesInfo, PerformTopic, RecordingInfo, TempoInfo, TimecodeInfo } from './perform-types';
import type { JsonSchema, ParamValue, PipelineInfo, PipelineStatus, Stats } from '../../src/shared/api';
import type { ServerMessage, ServiceTopic } from '../../src/shared/messages';
import type { TopicEvent } from '../../src/shared/event-topics';
import type { InputInfo, InputSelection } from '../../src/shared/inputs';
import type { MidiStatus } from './midi-types';
import type { DmxStatus } from '../../src/shared/dmx';
import type { LorasResponse } from '../../src/shared/loras';
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
  dmx: DmxStatus | null;
  presets: PresetList | null;
  models: ModelLine[];
  /** The LoRA folder and installs by URL (null: not there yet, or no such service). */
  loras: LorasResponse | null;
  /** Tempo, cues and recording: null while the server has none (or has not said). */
  tempo: TempoInfo | null;
  cues: CuesInfo | null;
  recording: RecordingInfo | null;
  /** The show's timecode (GET /api/v1/timecode and the `timecode` topic); null while the server has none. */
  timecode: TimecodeInfo | null;
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
  dmx: null,
  presets: null,
  models: [],
  loras: null,
  tempo: null,
  cues: null,
  recording: null,
  timecode: null,
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
      return applyEvent(state, m);
  }
}

/**
 * A service's new state from its GET answer, parsed with its topic's schema from src/shared/event-topics.ts; data
 * that does not parse leaves the state as it was (the model list empties). null: the server has no such service
 * (its GET answered 404), and its card hides.
 */
function applyService(state: PanelState, topic: ServiceTopic | PerformTopic, data: unknown): PanelState {
  if (data === null && topic !== 'models') return { ...state, [topic]: null };
  const event = parseEvent(topic, data);
  if (event) return applyEvent(state, event);
  // Model lines are not guessed from another shape (nor from a 404): none.
  return topic === 'models' ? { ...state, models: [] } : state;
}

/** An event (already parsed by the socket, see client.ts); topics the panel does not show are ignored. */
function applyEvent(state: PanelState, event: TopicEvent): PanelState {
  switch (event.topic) {
    case 'midi':
      return { ...state, midi: event.data };
    case 'dmx':
      return { ...state, dmx: event.data };
    case 'outputs':
      return { ...state, outputs: event.data };
    case 'presets':
      return { ...state, presets: event.data };
    case 'inputs':
      return { ...state, inputs: event.data };
    case 'input':
      return { ...state, input: event.data };
    case 'models':
      return { ...state, models: modelLines(event.data) };
    case 'loras':
      return { ...state, loras: event.data };
    case 'tempo':
      return { ...state, tempo: { ...event.data, receivedAt: performance.now() } };
    case 'cues':
      return { ...state, cues: event.data };
    case 'recording':
      return { ...state, recording: event.data };
    case 'timecode':
      return { ...state, timecode: { ...event.data, receivedAt: performance.now() } };
    case 'modulation':
      return { ...state, modulated: event.data.values };
    default:
      return state;
  }
}

function markActive(pipelines: PipelineInfo[], active: string | null): PipelineInfo[] {
  return pipelines.map((p) => (p.active === (p.id === active) ? p : { ...p, active: p.id === active }));
}
