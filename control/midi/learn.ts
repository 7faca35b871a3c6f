/**
 * MIDI learn, pure: control events in, the control to bind out. A CC 0-31 may be the MSB of a 14-bit pair, so it is
 * held until the next message shows whether its LSB (CC + 32) follows; the service flushes it after a short wait.
 */
import type { ControlEvent } from './assembler';
import type { MidiControl, NoteMode } from '../../src/shared/midi';

export interface Learned {
  device: string;
  channel: number;
  control: MidiControl;
}

export class LearnMatcher {
  private held: { device: string; channel: number; number: number } | undefined;

  constructor(private readonly noteMode: NoteMode) {}

  /** Whether a CC 0-31 waits for its possible LSB; the service calls flush() if nothing follows soon. */
  get waiting(): boolean {
    return this.held !== undefined;
  }

  /** The control that moved, once it is known; undefined while still listening. */
  feed(device: string, event: ControlEvent): Learned | undefined {
    const held = this.held;
    if (held) {
      this.held = undefined;
      const lsb = event.kind === 'cc' && event.number === held.number + 32;
      if (lsb && event.channel === held.channel && device === held.device) {
        return { device, channel: held.channel, control: { kind: 'cc14', number: held.number } };
      }
      if (event.kind !== 'cc14') return this.flushed(held);
      this.held = held;
      return undefined;
    }
    const { channel } = event;
    switch (event.kind) {
      case 'cc':
        if (event.number >= 32) return { device, channel, control: { kind: 'cc', number: event.number } };
        if (event.pairLsbSeen) return { device, channel, control: { kind: 'cc14', number: event.number } };
        this.held = { device, channel, number: event.number };
        return undefined;
      case 'cc14':
        // The learner reads the plain CC events; these are their 14-bit view.
        return undefined;
      case 'nrpn':
      case 'rpn':
        return { device, channel, control: { kind: event.kind, number: event.number } };
      case 'note':
        return event.on
          ? { device, channel, control: { kind: 'note', note: event.note, mode: this.noteMode } }
          : undefined;
      case 'pitchbend':
        return { device, channel, control: { kind: 'pitchbend' } };
      case 'program':
        return { device, channel, control: { kind: 'program' } };
    }
  }

  /** The held CC as a 7-bit control: no LSB came. */
  flush(): Learned | undefined {
    const held = this.held;
    this.held = undefined;
    return held ? this.flushed(held) : undefined;
  }

  private flushed(held: { device: string; channel: number; number: number }): Learned {
    return { device: held.device, channel: held.channel, control: { kind: 'cc', number: held.number } };
  }
}

/** A control as people say it: "CC 7 (ch 1)", "14-bit CC 1/33", "NRPN 1025", "note 36". */
export function describeControl(l: Learned): string {
  const c = l.control;
  const where = ` (ch ${l.channel})`;
  switch (c.kind) {
    case 'cc':
      return `CC ${c.number}${where}`;
    case 'cc14':
      return `14-bit CC ${c.number}/${c.number + 32}${where}`;
    case 'nrpn':
    case 'rpn':
      return `${c.kind.toUpperCase()} ${c.number}${where}`;
    case 'note':
      return `note ${c.note} (${c.mode})${where}`;
    case 'pitchbend':
      return `pitch bend${where}`;
    case 'program':
      return `program change${where}`;
  }
}
