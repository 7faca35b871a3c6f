/**
 * MIDI clock both ways for the service: clock in moves the tempo clock (clock-follower.ts) and marks the device it
 * comes from; clock out (clock-out.ts) follows the tempo clock on a timer of its own and never echoes to that device.
 */
import { MidiClockFollower } from './clock-follower';
import { MidiClockOut, clockMessage } from './clock-out';
import type { MidiBytes } from './backend';
import type { MidiOptions } from './options';

export class MidiClockLink {
  private follower: MidiClockFollower | undefined;
  private out: MidiClockOut | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The device MIDI clock comes from: clock out never echoes to it. */
  private from: string | undefined;

  constructor(
    private readonly o: Pick<MidiOptions, 'tempo' | 'clockOut' | 'rescanMs' | 'now'>,
    /** Sends clock bytes to the clock outputs but `except`. */
    private readonly send: (bytes: MidiBytes, except: string | undefined) => void,
  ) {}

  /** Starts clock out when there is a tempo clock and a clock output; without rescans (tests) it runs on pump(). */
  start(): void {
    if (!this.o.tempo || this.o.clockOut.length === 0) return;
    const out = new MidiClockOut(this.o.tempo, (bytes) => this.send(bytes, this.from));
    this.out = out;
    if (this.o.rescanMs === 0) return;
    const loop = () => {
      if (this.out !== out) return;
      out.pump(this.o.now());
      // Wake just before each tick, never sleeping longer than a few ms so bpm changes are picked up.
      this.timer = setTimeout(loop, Math.max(1, Math.min(5, out.untilNext(this.o.now()) - 0.5)));
      this.timer.unref();
    };
    loop();
  }

  /** Stops clock out; the tempo clock keeps what clock in told it. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.out = undefined;
  }

  /** Sends the clock ticks due at `t`. */
  pump(t: number): void {
    this.out?.pump(t);
  }

  /** Takes `bytes` in when they are a clock message (true); anything else is left to the caller (false). */
  receive(device: string, bytes: MidiBytes): boolean {
    const message = clockMessage(bytes);
    if (!message) return false;
    if (!this.o.tempo) return true;
    this.follower ??= new MidiClockFollower(this.o.tempo);
    this.from = device;
    const t = this.o.now();
    if (message.kind === 'tick') this.follower.tick(t);
    else if (message.kind === 'position') this.follower.songPosition(message.sixteenths);
    else this.follower[message.kind]();
    return true;
  }
}
