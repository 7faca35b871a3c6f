/**
 * Scope's prompt timeline: prompts with durations and linear or slerp transitions, played, looped and optionally
 * locked to the tempo (durations in beats). Where the pipeline blends prompts (`prompt2`, `weight1`, `weight2`,
 * `blend`, as streamdiffusion does) a transition crossfades the two prompts' weights; elsewhere the prompt changes
 * at the entry's start. Other values glide over the transition.
 */
import { mix } from './fade';
import type { FadeTarget } from './fade';
import type { ParamValue } from '../../params/spec';
import type { Timeline, TimelineEntry, TimelineState } from '../../shared/perform';

const emptyTimeline: Timeline = { version: 1, entries: [], loop: false, tempoLocked: false, promptParam: 'prompt' };

export class TimelinePlayer {
  private timeline: Timeline = emptyTimeline;
  private playing = false;
  private start = { t: 0, beat: 0 };
  private index = 0;
  private position = 0;
  /** Values when play began: what the first entry glides from. */
  private origin: Record<string, ParamValue> = {};
  private sent = new Map<string, ParamValue>();

  get(): Timeline {
    return this.timeline;
  }

  replace(timeline: Timeline): void {
    this.timeline = timeline;
    if (timeline.entries.length === 0) this.playing = false;
  }

  /** Plays from the top at `t` ms / `beat`; false when there is nothing to play. */
  play(t: number, beat: number, target: FadeTarget): boolean {
    if (this.timeline.entries.length === 0) return false;
    this.playing = true;
    this.start = { t, beat };
    this.sent.clear();
    this.origin = {};
    const paths = new Set([this.timeline.promptParam]);
    for (const e of this.timeline.entries) for (const path of Object.keys(e.values ?? {})) paths.add(path);
    for (const path of paths) {
      const v = target.get(path);
      if (v !== undefined) this.origin[path] = v;
    }
    return true;
  }

  stop(): void {
    this.playing = false;
  }

  /**
   * Plays from `position` (seconds, or beats when tempo-locked) as of `t` / `beat`: what chasing timecode does on
   * every position it hears. Starts playing when stopped; false when there is nothing to play.
   */
  seek(position: number, t: number, beat: number, target: FadeTarget): boolean {
    if (!this.playing && !this.play(t, beat, target)) return false;
    this.start = this.timeline.tempoLocked ? { t, beat: beat - position } : { t: t - position * 1000, beat };
    return true;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  /** The values to apply at `t` / `beat` (only those that changed since the last step); stops at the end. */
  step(t: number, beat: number, target: FadeTarget): Record<string, ParamValue> | undefined {
    if (!this.playing) return undefined;
    const entries = this.timeline.entries;
    const total = entries.reduce((sum, e) => sum + e.duration, 0);
    let p = this.timeline.tempoLocked ? beat - this.start.beat : (t - this.start.t) / 1000;
    let finished = false;
    if (p >= total) {
      if (this.timeline.loop) p %= total;
      else {
        p = total;
        finished = true;
      }
    }
    let i = 0;
    let begin = 0;
    while (i < entries.length - 1 && p >= begin + entries[i]!.duration) begin += entries[i++]!.duration;
    this.index = i;
    this.position = p - begin;
    const looped =
      this.timeline.loop && (this.timeline.tempoLocked ? beat - this.start.beat : (t - this.start.t) / 1000) >= total;
    const previous = i > 0 ? entries[i - 1] : looped ? entries.at(-1) : undefined;
    const values = this.valuesAt(entries[i]!, previous, this.position, target);
    if (finished) this.playing = false;
    return this.changed(values);
  }

  state(): TimelineState {
    return { timeline: this.timeline, playing: this.playing, index: this.index, position: this.position };
  }

  private valuesAt(
    entry: TimelineEntry,
    previous: TimelineEntry | undefined,
    position: number,
    target: FadeTarget,
  ): Record<string, ParamValue> {
    const span = Math.min(entry.transitionTime, entry.duration);
    const x = entry.transition === 'cut' || span <= 0 ? 1 : Math.min(1, position / span);
    const out: Record<string, ParamValue> = {};
    for (const [path, to] of Object.entries(entry.values ?? {})) {
      const spec = target.spec(path);
      const from = previous?.values?.[path] ?? this.origin[path] ?? to;
      if (spec) out[path] = mix(spec, from, to, x);
    }
    const promptPath = this.timeline.promptParam;
    if (entry.prompt === undefined || !target.spec(promptPath)) return out;
    const before = previous?.prompt ?? (this.origin[promptPath] as string | undefined) ?? entry.prompt;
    const blends = ['prompt2', 'weight1', 'weight2'].every((p) => target.spec(p)) && entry.transition !== 'cut';
    if (!blends || x >= 1) {
      out[promptPath] = entry.prompt;
      if (blends) Object.assign(out, { weight1: 1, weight2: 0 });
      return out;
    }
    Object.assign(out, { [promptPath]: before, prompt2: entry.prompt, weight1: 1 - x, weight2: x });
    if (target.spec('blend')) out.blend = entry.transition;
    return out;
  }

  private changed(values: Record<string, ParamValue>): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    for (const [path, v] of Object.entries(values)) {
      if (this.sent.get(path) === v) continue;
      this.sent.set(path, v);
      out[path] = v;
    }
    return out;
  }
}
