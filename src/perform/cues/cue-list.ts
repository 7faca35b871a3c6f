/**
 * The cue list: named snapshots of parameters (prompts included) with a fade time and curve; go, next, previous
 * and go-to. Going starts a fade that the frame stage steps at each frame boundary, so it lands on frames.
 */
import { Fade } from './fade';
import type { FadeTarget } from './fade';
import type { ParamValue } from '../../params/spec';
import type { Cue, CueState } from '../../shared/perform';

export class CueList {
  private cues: Cue[] = [];
  private current = -1;
  private fade: Fade | undefined;
  private lastProgress: number | null = null;

  all(): Cue[] {
    return [...this.cues];
  }

  replace(cues: Cue[]): void {
    this.cues = [...cues];
    if (this.current >= this.cues.length) this.current = this.cues.length - 1;
  }

  /** Adds or replaces a cue by name; new ones go at `index` (the end by default). */
  put(cue: Cue, index?: number): void {
    const at = this.cues.findIndex((c) => c.name === cue.name);
    if (at >= 0) this.cues[at] = cue;
    else this.cues.splice(index ?? this.cues.length, 0, cue);
  }

  remove(name: string): boolean {
    const before = this.cues.length;
    this.cues = this.cues.filter((c) => c.name !== name);
    if (this.current >= this.cues.length) this.current = this.cues.length - 1;
    return before !== this.cues.length;
  }

  /** The index of a cue by name or number (0 = the first); undefined when there is none. */
  find(which: string | number): number | undefined {
    const index = typeof which === 'number' ? which : this.cues.findIndex((c) => c.name === which);
    return index >= 0 && index < this.cues.length ? index : undefined;
  }

  /** The index `next` / `previous` would go to (wrapping at the ends). */
  step(delta: 1 | -1): number | undefined {
    if (this.cues.length === 0) return undefined;
    if (this.current < 0) return delta === 1 ? 0 : this.cues.length - 1;
    return (this.current + delta + this.cues.length) % this.cues.length;
  }

  /** Starts cue `index` at `t` ms: its fade begins there. */
  go(index: number, t: number, target: FadeTarget): Cue {
    const cue = this.cues[index]!;
    this.current = index;
    this.fade = new Fade(target, cue.values, t, cue.fade * 1000, cue.curve);
    return cue;
  }

  /** The values of the fade at `t` (undefined when no fade runs); the fade ends on its last step. */
  stepFade(t: number, target: FadeTarget): Record<string, ParamValue> | undefined {
    if (!this.fade) return undefined;
    const values = this.fade.values(t, target);
    this.lastProgress = this.fade.progress(t);
    if (this.fade.done(t)) {
      this.fade = undefined;
      this.lastProgress = null;
    }
    return values;
  }

  state(): CueState {
    return { cues: this.all(), current: this.current, fading: this.fade ? (this.lastProgress ?? 0) : null };
  }
}
