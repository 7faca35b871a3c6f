/**
 * Chase: cues and the prompt timeline follow the show's timecode.
 * - Cues. A cue with a `timecode` goes (with its fade) when the timecode, running forward, passes it: every cue in
 *   (last position, new position] goes, in order, so the last one passed is the look on stage. On a jump (a
 *   locate, a skip, a start from anywhere but where it stopped) the cues skipped over do not each fire: the latest
 *   cue at or before the new position lands at once at its end values (the show as it stands at that point), or
 *   nothing when no cue lies before it. Running backwards fires nothing; the next forward jump chases again.
 * - Timeline. While on, the timeline's position is the timecode minus `timelineStart` (seconds, or beats at the
 *   tempo when the timeline is tempo-locked); it plays while timecode runs, stops when it stops, and waits (not
 *   playing) before its start.
 */
import { framesToSeconds, fromFrames, labelKey, timecodeOf, toFrames } from '../../shared/timecode-math';
import type { TimecodeEvent } from './timecode-follower';
import type { Perform } from '../perform';
import type { PerformService } from '../perform-service';
import type { Cue } from '../../shared/perform';
import type { ChaseSettings } from '../../shared/timecode';

export class TimecodeChase {
  settings: ChaseSettings = { cues: true, timeline: false, timelineStart: '00:00:00:00' };
  /** The cue timecode went to last. */
  lastCue: string | null = null;
  /** Label key of the last position chased while running forward; undefined after a locate or a run backwards. */
  private lastKey: number | undefined;

  constructor(
    private readonly service: Pick<PerformService, 'goCue' | 'startCue' | 'cueState'>,
    private readonly perform: Pick<Perform, 'timeline' | 'tempo' | 'now' | 'params' | 'events' | 'log'>,
  ) {}

  /** Follows one change of the timecode. */
  follow(e: TimecodeEvent, reverse: boolean): void {
    const key = labelKey(fromFrames(e.frames, e.rate));
    if (this.settings.cues) this.cues(e, key, reverse);
    // A stop keeps the place (a run resuming there passes cues as usual); a locate or running backwards loses it, so
    // the next run forwards chases the latest cue.
    if (e.kind === 'locate' || reverse) this.lastKey = undefined;
    else if (e.kind !== 'stop') this.lastKey = key;
    if (this.settings.timeline) this.timeline(e);
  }

  private cues(e: TimecodeEvent, key: number, reverse: boolean): void {
    if (e.kind === 'stop' || e.kind === 'locate' || reverse) return;
    const timed = this.timedCues();
    if (e.kind === 'jump' || this.lastKey === undefined) {
      const latest = timed.filter((c) => c.key <= key).at(-1);
      if (latest) this.land(latest.cue);
      return;
    }
    const from = this.lastKey;
    // Past midnight the window wraps: a cue at 23:59:59:29 or at 00:00:00:00 is still passed.
    const passed = timed.filter((c) => (from <= key ? c.key > from && c.key <= key : c.key > from || c.key <= key));
    for (const { cue } of passed) this.go(cue);
  }

  private timedCues(): { cue: Cue; key: number }[] {
    return this.service
      .cueState()
      .cues.flatMap((cue) => (cue.timecode ? [{ cue, key: labelKey(timecodeOf(cue.timecode)) }] : []))
      .sort((a, b) => a.key - b.key);
  }

  private go(cue: Cue): void {
    try {
      this.service.goCue(cue.name, 'off');
      this.lastCue = cue.name;
    } catch (err) {
      this.perform.log(`Timecode: cue ${cue.name} could not go: ${(err as Error).message}`);
    }
  }

  private land(cue: Cue): void {
    this.service.startCue(cue, this.perform.now(), true);
    this.lastCue = cue.name;
  }

  private timeline(e: TimecodeEvent): void {
    const { timeline, tempo, now, params, events } = this.perform;
    const was = timeline.isPlaying;
    const seconds = framesToSeconds(e.frames - toFrames(timecodeOf(this.settings.timelineStart), e.rate), e.rate);
    const { entries, tempoLocked, loop } = timeline.get();
    const position = tempoLocked ? (seconds * tempo.bpm) / 60 : seconds;
    const total = entries.reduce((sum, entry) => sum + entry.duration, 0);
    // Past the end of a timeline that does not loop it stays on its last entry, as when it plays by itself.
    const outside = seconds < 0 || (!loop && position >= total);
    if (e.kind === 'stop' || e.kind === 'locate' || outside) timeline.stop();
    else {
      const t = now();
      timeline.seek(position, t, tempo.beatAt(t), params);
    }
    if (was !== timeline.isPlaying) events.emit('timeline', timeline.state());
  }
}
