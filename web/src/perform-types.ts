/** The perform services as the panel reads them (tempo, cues, recording, timecode): their shapes are src/shared's. */
import { eventTopics } from '../../src/shared/event-topics';
import { apiPaths, apiUrl } from '../../src/shared/api-paths';
import { RATES, dayFrames, formatTimecode, fromFrames, timecodeOf, toFrames } from '../../src/shared/timecode-math';
import type { CueState, RecordingState, TempoState } from '../../src/shared/perform';
import type { TimecodeStatus } from '../../src/shared/timecode';

export type TempoInfo = TempoState & {
  /** performance.now() in the panel when this arrived: the beat light runs on from there. */
  receivedAt: number;
};
export type CuesInfo = CueState;
export type RecordingInfo = RecordingState;
export type TimecodeInfo = TimecodeStatus & {
  /** performance.now() in the panel when this arrived: a running position counts on from there. */
  receivedAt: number;
};

/** The perform services the panel fetches and follows (besides the shared service topics). */
export type PerformTopic = 'tempo' | 'cues' | 'recording' | 'timecode';

/** Where each is read, and its shape. */
export const performServices = {
  tempo: { path: apiUrl(apiPaths.tempo), schema: eventTopics.tempo },
  cues: { path: apiUrl(apiPaths.cues), schema: eventTopics.cues },
  recording: { path: apiUrl(apiPaths.recording), schema: eventTopics.recording },
  timecode: { path: apiUrl(apiPaths.timecode), schema: eventTopics.timecode },
} as const;

/** The beat the tempo is on at panel time `now` (ms, performance.now()). */
export function beatNow(t: TempoInfo, now: number): number {
  return t.playing ? t.beat + ((now - t.receivedAt) * t.bpm) / 60_000 : t.beat;
}

/**
 * The timecode at panel time `now` (ms, performance.now()): the server says where it is on each start, stop, jump
 * and change, and a running position counts on from there at its rate (backwards when the tape runs in reverse).
 */
export function timecodeNow(t: TimecodeInfo, now: number): string | null {
  if (t.position === null || t.rate === null || t.state !== 'running') return t.position;
  const rate = t.rate;
  const elapsed = Math.floor(((now - t.receivedAt) / 1000) * RATES[rate].fps);
  const day = dayFrames(rate);
  const frames = (((toFrames(timecodeOf(t.position), rate) + (t.reverse ? -elapsed : elapsed)) % day) + day) % day;
  return formatTimecode(fromFrames(frames, rate), rate === '29.97df');
}
