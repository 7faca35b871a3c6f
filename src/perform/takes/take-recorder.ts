/**
 * Control takes: every accepted change from every surface, timestamped from the start of the take (ms and beats),
 * so a show can be rehearsed and played back. Replayed changes (source `take`) are not recorded again.
 */
import type { ParamChange } from '../../params/store';
import type { ParamValue } from '../../params/spec';
import type { Take, TakeEvent } from '../../shared/perform';

export const TAKE_SOURCE = 'take';
const MAX_EVENTS = 200_000;

export class TakeRecorder {
  private events: TakeEvent[] = [];
  private began: { t: number; beat: number; name: string; start: Record<string, ParamValue> } | undefined;
  dropped = 0;

  get recording(): { name: string; since: number; events: number } | null {
    return this.began ? { name: this.began.name, since: this.began.t, events: this.events.length } : null;
  }

  start(name: string, t: number, beat: number, start: Record<string, ParamValue>): void {
    this.began = { t, beat, name, start };
    this.events = [];
    this.dropped = 0;
  }

  /** One accepted change (the store's listener). Changes in the same millisecond from one source merge. */
  record(change: ParamChange, t: number, beat: number): void {
    if (!this.began || change.source === TAKE_SOURCE) return;
    const at = Math.max(0, t - this.began.t);
    const last = this.events.at(-1);
    if (last && last.t === at && last.source === change.source) {
      last.values[change.path] = change.value;
      return;
    }
    if (this.events.length >= MAX_EVENTS) {
      this.dropped++;
      return;
    }
    this.events.push({
      t: at,
      beat: beat - this.began.beat,
      source: change.source,
      values: { [change.path]: change.value },
    });
  }

  /** Ends the take and hands it over (undefined when none was recording). */
  stop(t: number, bpm: number, pipeline: string | null, recordedAt: Date): Take | undefined {
    const began = this.began;
    if (!began) return undefined;
    this.began = undefined;
    return {
      version: 1,
      name: began.name,
      recordedAt: recordedAt.toISOString(),
      bpm,
      pipeline,
      start: began.start,
      events: this.events,
      durationMs: Math.max(0, t - began.t),
    };
  }
}

/** Plays a take back: its start values at once, then each change when its time comes, on frame boundaries. */
export class TakePlayer {
  private take: Take | undefined;
  private next = 0;
  private startT = 0;
  position = 0;

  get playing(): { name: string; position: number } | null {
    return this.take ? { name: this.take.name, position: this.position } : null;
  }

  /** Starts `take` at `t`; returns the values to apply first. */
  play(take: Take, t: number): Record<string, ParamValue> {
    this.take = take;
    this.next = 0;
    this.startT = t;
    this.position = 0;
    return { ...take.start };
  }

  stop(): void {
    this.take = undefined;
  }

  /** The changes due by `t`, merged in order; the take ends after its last one. */
  step(t: number): Record<string, ParamValue> | undefined {
    const take = this.take;
    if (!take) return undefined;
    this.position = t - this.startT;
    const out: Record<string, ParamValue> = {};
    let any = false;
    while (this.next < take.events.length && take.events[this.next]!.t <= this.position + 1e-6) {
      Object.assign(out, take.events[this.next++]!.values);
      any = true;
    }
    if (this.next >= take.events.length && this.position >= take.durationMs) this.take = undefined;
    return any ? out : undefined;
  }
}
