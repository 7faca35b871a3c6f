/** Show files for the tests. */
import { SHOW_FORMAT, SHOW_VERSION } from '../shared/show-file';

/** A current show with everything empty but a pipeline. */
export const minimalShow = () => ({
  format: SHOW_FORMAT,
  version: SHOW_VERSION,
  pipeline: { id: 'solid', values: { level: 40 } },
  tempo: { bpm: 120 },
  presets: {},
  cues: [],
  timeline: { entries: [] },
  modulators: [],
  midi: { mappings: [] },
  dmx: { mappings: [] },
  outputs: [],
  input: { source: null, fit: 'cover' },
  timecode: { source: 'off', rate: '25', chase: { cues: true, timeline: false, timelineStart: '00:00:00:00' } },
  outputDelay: { ms: 0 },
  needs: { models: [], loras: [], plugins: [] },
});
