/**
 * MTC out: quarter frames at the rate of the show's timecode while it runs forward (four per frame, each sequence
 * of eight carrying the frame it began on), and a full frame when it starts, stops, jumps or is located while
 * stopped, so a receiver chasing it is where the show is. pump() sends what is due by `t`; a timer calls it a few
 * times per quarter frame and tests call it with the times they choose.
 */
import { fullFrame, quarterFrame } from './mtc';
import type { MidiBytes } from '../midi/backend';
import type { TimecodeRate } from '../../src/shared/timecode';

export interface MtcPosition {
  frames: number;
  rate: TimecodeRate;
  /** Running forward (backwards, only full frames go out). */
  running: boolean;
}

export class MtcOut {
  /** The last quarter frame sent, counted from midnight (frame n's pieces are 4n..4n+3). */
  private lastQuarter: number | undefined;
  private lastRate: TimecodeRate | undefined;
  /** The frame and rate of the last full frame while stopped, so a still position is sent once. */
  private stillAt: string | undefined;
  sent = 0;

  constructor(
    private readonly position: (t: number) => MtcPosition | undefined,
    private readonly send: (bytes: MidiBytes) => void,
  ) {}

  pump(t: number): void {
    const p = this.position(t);
    if (!p) return;
    const frame = Math.floor(p.frames);
    if (!p.running) {
      const key = `${frame}/${p.rate}`;
      if (key !== this.stillAt || this.lastQuarter !== undefined) this.out(fullFrame(frame, p.rate));
      this.stillAt = key;
      this.lastQuarter = undefined;
      return;
    }
    this.stillAt = undefined;
    const quarter = Math.floor(p.frames * 4);
    const last = this.lastQuarter;
    // A start, a change of rate, a step back or more than two frames ahead: a locate first, then run on from here.
    if (last === undefined || p.rate !== this.lastRate || quarter < last || quarter - last > 8) {
      this.out(fullFrame(frame, p.rate));
      this.lastQuarter = quarter;
      this.lastRate = p.rate;
      return;
    }
    for (let q = last + 1; q <= quarter; q++) {
      const piece = q % 8;
      // Each sequence of eight pieces carries the frame it began on: two frames each, from an even frame.
      this.out(quarterFrame((q - piece) / 4, p.rate, piece));
    }
    this.lastQuarter = quarter;
  }

  private out(bytes: MidiBytes): void {
    this.sent++;
    this.send(bytes);
  }
}
