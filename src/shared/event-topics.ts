/**
 * Every event topic the server announces, by name, with the zod schema of its `data`: the one table that the bus
 * (`EventBus.emit`), `/ws` (`{ type: 'event', topic, data }`) and the panel type and parse by. A service's topic
 * carries the same shape as its GET answer. Topic names are part of the wire protocol: never rename one.
 */
import { z } from 'zod';
import { dmxStatusSchema } from './dmx';
import { inputListSchema, inputSelectionSchema } from './inputs';
import { midiStatusSchema } from './midi';
import { modelsStatusSchema } from './models';
import { lorasResponseSchema } from './loras';
import { outputListSchema } from './outputs';
import { presetListSchema } from './presets';
import { timecodeStatusSchema } from './timecode';
import {
  crossfadeStateSchema,
  cueStateSchema,
  modulatorSchema,
  recordingStateSchema,
  takesStateSchema,
  tempoStateSchema,
  timelineStateSchema,
} from './perform';

export const eventTopics = {
  /** MIDI ports, mappings and learn (GET /api/v1/midi). */
  midi: midiStatusSchema,
  /** Art-Net and sACN listeners, mappings and learn (GET /api/v1/dmx). */
  dmx: dmxStatusSchema,
  /** Every output and its state (GET /api/v1/outputs). */
  outputs: outputListSchema,
  /** Every video input (GET /api/v1/inputs) and the engine's choice among them (GET /api/v1/input). */
  inputs: inputListSchema,
  input: inputSelectionSchema,
  /** The presets of one pipeline (GET /api/v1/presets). */
  presets: presetListSchema,
  /** Model files and downloads (GET /api/v1/models/status). */
  models: modelsStatusSchema,
  /** The LoRA folder and installs by URL, on each change, progress at most about four times a second (GET /api/v1/loras). */
  loras: lorasResponseSchema,
  /** Tempo on each whole beat and on every change (GET /api/v1/tempo). */
  tempo: tempoStateSchema,
  cues: cueStateSchema,
  timeline: timelineStateSchema,
  /** Timecode on each start, stop, jump and settings change (GET /api/v1/timecode). */
  timecode: timecodeStatusSchema,
  crossfade: crossfadeStateSchema,
  /** The modulator list after a change (the panel then reloads the parameters: each brings depth and rate). */
  modulators: z.array(modulatorSchema),
  /** Parameters the modulators moved this frame, a few times a second while they move. */
  modulation: z.object({ values: z.record(z.string(), z.number()) }),
  takes: takesStateSchema,
  /** A take's replay came to its end. */
  'takes-playing': z.null(),
  /** The recorder (GET /api/v1/recording). */
  recording: recordingStateSchema,
} as const;

export type EventTopic = keyof typeof eventTopics;
export const eventTopicNames = Object.keys(eventTopics) as EventTopic[];
export type EventData<K extends EventTopic> = z.infer<(typeof eventTopics)[K]>;

/** A topic and its data, as one value: narrowing `topic` narrows `data`. */
export type TopicEvent = { [K in EventTopic]: { topic: K; data: EventData<K> } }[EventTopic];

export function isEventTopic(topic: string): topic is EventTopic {
  return Object.hasOwn(eventTopics, topic);
}

/** `data` parsed as `topic`'s schema says; null for a topic not in the table or data that does not fit. */
export function parseEvent(topic: string, data: unknown): TopicEvent | null {
  if (!isEventTopic(topic)) return null;
  const parsed = (eventTopics[topic] as z.ZodType).safeParse(data);
  return parsed.success ? ({ topic, data: parsed.data } as TopicEvent) : null;
}

/** A listener's `(topic, data)` as one value, e.g. for `/ws`'s `{ type: 'event', topic, data }`. */
export function topicEvent<K extends EventTopic>(topic: K, data: EventData<K>): TopicEvent {
  // K is one topic, so this pair is one member of the union.
  return { topic, data } as TopicEvent;
}
