/**
 * MIDI clock out: 24 ticks per beat of the tempo clock, sent as the clock passes each tick, plus Start and Stop.
 * pump() sends every tick due by `t`; a timer calls it a little more often than ticks fall, and tests call it with
 * the time they choose.
 */
import { PPQN } from './clock-follower';
import type { MidiBytes } from './backend';

export const CLOCK = 0xf8;
export const START = 0xfa;
export const CONTINUE = 0xfb;
export const STOP = 0xfc;
export const SONG_POSITION = 0xf2;

export interface ClockSource {
  beatAt(t: number): number;
  readonly bpm: number;
  readonly playing: boolean;
}

export class MidiClockOut {
  /** Index of the last tick sent; ticks are counted from beat 0 of the tempo clock. */
  private lastTick: number | undefined;
  private wasPlaying = false;
  sent = 0;

  constructor(
    private readonly clock: ClockSource,
    private readonly send: (bytes: MidiBytes) => void,
  ) {}

  /** Sends the ticks due by `t` (at most one beat's worth: after a stall the receiver catches up, not bursts). */
  pump(t: number): void {
    if (this.clock.playing !== this.wasPlaying) {
      this.wasPlaying = this.clock.playing;
      if (!this.clock.playing) {
        this.send([STOP]);
        return;
      }
      const beat = Math.max(0, this.clock.beatAt(t));
      // Start plays from the top; anywhere else the receiver is told where to continue, in sixteenths.
      if (beat < 1 / PPQN) this.send([START]);
      else {
        const sixteenths = Math.min(16383, Math.floor(beat * 4));
        this.send([SONG_POSITION, sixteenths & 0x7f, sixteenths >> 7]);
        this.send([CONTINUE]);
      }
      this.lastTick = Math.floor(beat * PPQN) - 1;
    }
    if (!this.clock.playing) return;
    const due = Math.floor(this.clock.beatAt(t) * PPQN + 1e-9);
    if (this.lastTick === undefined || due < this.lastTick || due - this.lastTick > PPQN) this.lastTick = due - 1;
    while (this.lastTick < due) {
      this.lastTick++;
      this.send([CLOCK]);
      this.sent++;
    }
  }

  /** Milliseconds until the next tick falls (for the timer). */
  untilNext(t: number): number {
    const beat = this.clock.beatAt(t);
    const next = (Math.floor(beat * PPQN + 1e-9) + 1) / PPQN;
    return Math.max(0, ((next - beat) * 60_000) / this.clock.bpm);
  }
}

/** The follower's part of a system message: clock, start, continue, stop, song position; undefined otherwise. */
export function clockMessage(
  bytes: MidiBytes,
): { kind: 'tick' | 'start' | 'continue' | 'stop' } | { kind: 'position'; sixteenths: number } | undefined {
  switch (bytes[0]) {
    case CLOCK:
      return { kind: 'tick' };
    case START:
      return { kind: 'start' };
    case CONTINUE:
      return { kind: 'continue' };
    case STOP:
      return { kind: 'stop' };
    case SONG_POSITION:
      return { kind: 'position', sixteenths: ((bytes[2] ?? 0) & 0x7f) * 128 + ((bytes[1] ?? 0) & 0x7f) };
    default:
      return undefined;
  }
}
