/** The perform services as the panel reads them (tempo, cues, recording): their shapes are src/shared's. */
import { eventTopics } from '../../src/shared/event-topics';
import { apiPaths, apiUrl } from '../../src/shared/api-paths';
import type { CueState, RecordingState, TempoState } from '../../src/shared/perform';

export type TempoInfo = TempoState & {
  /** performance.now() in the panel when this arrived: the beat light runs on from there. */
  receivedAt: number;
};
export type CuesInfo = CueState;
export type RecordingInfo = RecordingState;

/** The perform services the panel fetches and follows (besides the shared service topics). */
export type PerformTopic = 'tempo' | 'cues' | 'recording';

/** Where each is read, and its shape. */
export const performServices = {
  tempo: { path: apiUrl(apiPaths.tempo), schema: eventTopics.tempo },
  cues: { path: apiUrl(apiPaths.cues), schema: eventTopics.cues },
  recording: { path: apiUrl(apiPaths.recording), schema: eventTopics.recording },
} as const;

/** The beat the tempo is on at panel time `now` (ms, performance.now()). */
export function beatNow(t: TempoInfo, now: number): number {
  return t.playing ? t.beat + ((now - t.receivedAt) * t.bpm) / 60_000 : t.beat;
}
