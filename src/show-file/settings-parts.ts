/**
 * The show's parts that are settings of the server itself: the timecode settings (rate and chase; the source is a
 * start flag) and the output delay. Each saves its own file as it always does, so a failed save undoes that part
 * and the import puts back the parts before it.
 */
import type { ShowFile } from '../shared/show-file';
import type { OutputDelayBody } from '../shared/latency';
import type { ChaseSettings, TimecodeRate, TimecodeSource } from '../shared/timecode';
import type { ShowPart } from './transaction';

export interface TimecodeFacade {
  /** The source this server was started with (`--timecode`). */
  source: TimecodeSource;
  /** The saved settings: the generator's rate and the chase. */
  settings(): { rate: TimecodeRate; chase: ChaseSettings };
  /** Sets and saves them; throws `save_failed` (having put them back) when the file cannot be written. */
  update(put: { rate: TimecodeRate; chase: ChaseSettings }): Promise<unknown>;
}

export interface OutputDelayFacade {
  setting(): OutputDelayBody;
  set(body: OutputDelayBody): Promise<unknown>;
}

/** The rate and what chases timecode; a show that follows another source than this server's is said, not refused. */
export function timecodePart(timecode: TimecodeFacade): ShowPart {
  return {
    name: 'timecode settings',
    read: () => ({ timecode: { source: timecode.source, ...timecode.settings() } }),
    check: (show) => {
      const wanted = show.timecode.source;
      if (wanted === timecode.source) return {};
      return {
        notes: [
          `the show follows timecode from ${wanted}; this server was started with --timecode ${timecode.source}, which stays (restart with --timecode ${wanted} to follow it)`,
        ],
      };
    },
    apply: async (show) => void (await timecode.update({ rate: show.timecode.rate, chase: show.timecode.chase })),
  };
}

export function outputDelayPart(delay: OutputDelayFacade): ShowPart {
  return {
    name: 'output delay',
    read: () => ({ outputDelay: delay.setting() }),
    check: () => ({}),
    apply: async (show: ShowFile) => void (await delay.set(show.outputDelay)),
  };
}
