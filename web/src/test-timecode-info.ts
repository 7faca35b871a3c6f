import type { TimecodeInfo } from './perform-types';

/** A timecode status as the server sends it: the internal generator stopped at 01:02:03:04, 25 fps; then `over`. */
export const timecodeInfo = (over: Partial<TimecodeInfo> = {}): TimecodeInfo => ({
  source: 'internal',
  rate: '25',
  position: '01:02:03:04',
  state: 'stopped',
  reverse: false,
  jumps: 0,
  heard: 0,
  chase: { cues: true, timeline: false, timelineStart: '00:00:00:00' },
  lastCue: null,
  mtcOut: [],
  receivedAt: 0,
  ...over,
});
