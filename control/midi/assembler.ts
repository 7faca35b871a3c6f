/**
 * Raw MIDI bytes to control events, per input: 14-bit CC pairs, NRPN/RPN parameter numbers and data entry are
 * stateful, so one MidiAssembler lives per open input. Pure: no clocks, no I/O; the same bytes give the same events.
 */
import type { MidiBytes } from './backend';

/** Position of an absolute control, 0..1. */
type Pos = { value: number };

export type ControlEvent =
  | ({ kind: 'cc'; channel: number; number: number; raw: number; pairLsbSeen: boolean } & Pos)
  | ({ kind: 'cc14'; channel: number; number: number; fromLsb: boolean } & Pos)
  | ({ kind: 'nrpn' | 'rpn'; channel: number; number: number } & (Pos | { step: 1 | -1 }))
  | { kind: 'note'; channel: number; note: number; velocity: number; on: boolean }
  | ({ kind: 'pitchbend'; channel: number; raw: number } & Pos)
  | { kind: 'program'; channel: number; program: number };

const NRPN_MSB = 99;
const NRPN_LSB = 98;
const RPN_MSB = 101;
const RPN_LSB = 100;
const DATA_MSB = 6;
const DATA_LSB = 38;
const DATA_INC = 96;
const DATA_DEC = 97;
const PROTOCOL = new Set([NRPN_MSB, NRPN_LSB, RPN_MSB, RPN_LSB]);
const DATA = new Set([DATA_MSB, DATA_LSB, DATA_INC, DATA_DEC]);

interface ChannelState {
  /** MSB/LSB of each 14-bit CC pair 0-31. */
  msb: number[];
  lsb: number[];
  /** Pairs (or parameter numbers, keyed `nrpn:n`) for which an LSB has ever arrived: they are 14-bit controls. */
  lsbSeen: Set<string>;
  nrpn: [number, number];
  rpn: [number, number];
  selected: 'nrpn' | 'rpn' | null;
  /** Once a parameter select arrived, CC 6/38/96/97 are data entry, never plain CCs. */
  protocol: boolean;
  data: [number, number];
}

const fresh = (): ChannelState => ({
  msb: new Array<number>(32).fill(0),
  lsb: new Array<number>(32).fill(0),
  lsbSeen: new Set(),
  nrpn: [0, 0],
  rpn: [0, 0],
  selected: null,
  protocol: false,
  data: [0, 0],
});

/** 14-bit value from MSB/LSB; a control that never sent an LSB spans the range with its MSB alone. */
const pos14 = (msb: number, lsb: number, lsbSeen: boolean) => (lsbSeen ? ((msb << 7) | lsb) / 16383 : msb / 127);

export class MidiAssembler {
  private readonly channels = new Map<number, ChannelState>();

  /** One message in, zero or more control events out; clock, sysex, aftertouch and the like give none. */
  feed(bytes: MidiBytes): ControlEvent[] {
    const [status = 0, a = 0, b = 0] = bytes;
    if (status < 0x80 || status >= 0xf0) return [];
    const channel = (status & 0x0f) + 1;
    const d1 = a & 0x7f;
    const d2 = b & 0x7f;
    switch (status & 0xf0) {
      case 0x80:
        return [{ kind: 'note', channel, note: d1, velocity: d2, on: false }];
      case 0x90:
        return [{ kind: 'note', channel, note: d1, velocity: d2, on: d2 > 0 }];
      case 0xb0:
        return this.cc(channel, d1, d2);
      case 0xc0:
        return [{ kind: 'program', channel, program: d1 }];
      case 0xe0: {
        const raw = (d2 << 7) | d1;
        return [{ kind: 'pitchbend', channel, raw, value: raw / 16383 }];
      }
      default:
        return [];
    }
  }

  private state(channel: number): ChannelState {
    let s = this.channels.get(channel);
    if (!s) this.channels.set(channel, (s = fresh()));
    return s;
  }

  private cc(channel: number, number: number, value: number): ControlEvent[] {
    const s = this.state(channel);
    if (PROTOCOL.has(number)) return this.select(s, number, value);
    if (DATA.has(number) && s.protocol) return this.dataEntry(s, channel, number, value);
    const plain: ControlEvent = { kind: 'cc', channel, number, raw: value, value: value / 127, pairLsbSeen: false };
    if (number < 32) {
      // The MIDI 1.0 rule: a new MSB sets the LSB to 0; an LSB that follows refines it.
      s.msb[number] = value;
      s.lsb[number] = 0;
      const seen = s.lsbSeen.has(`cc:${number}`);
      plain.pairLsbSeen = seen;
      const value14 = pos14(value, 0, seen);
      return [plain, { kind: 'cc14', channel, number, fromLsb: false, value: value14 }];
    }
    if (number < 64) {
      const pair = number - 32;
      s.lsb[pair] = value;
      s.lsbSeen.add(`cc:${pair}`);
      const value14 = pos14(s.msb[pair]!, value, true);
      return [plain, { kind: 'cc14', channel, number: pair, fromLsb: true, value: value14 }];
    }
    return [plain];
  }

  private select(s: ChannelState, number: number, value: number): ControlEvent[] {
    s.protocol = true;
    if (number === NRPN_MSB || number === NRPN_LSB) {
      s.nrpn[number === NRPN_MSB ? 0 : 1] = value;
      s.selected = 'nrpn';
    } else {
      s.rpn[number === RPN_MSB ? 0 : 1] = value;
      // RPN 127/127 is the null parameter: data entry after it changes nothing.
      s.selected = s.rpn[0] === 127 && s.rpn[1] === 127 ? null : 'rpn';
    }
    s.data = [0, 0];
    return [];
  }

  private dataEntry(s: ChannelState, channel: number, number: number, value: number): ControlEvent[] {
    const kind = s.selected;
    if (kind === null) return [];
    const [msb, lsb] = kind === 'nrpn' ? s.nrpn : s.rpn;
    const param = (msb << 7) | lsb;
    const key = `${kind}:${param}`;
    if (number === DATA_INC || number === DATA_DEC) {
      return [{ kind, channel, number: param, step: number === DATA_INC ? 1 : -1 }];
    }
    if (number === DATA_MSB) s.data = [value, 0];
    else {
      s.data[1] = value;
      s.lsbSeen.add(key);
    }
    return [{ kind, channel, number: param, value: pos14(s.data[0], s.data[1], s.lsbSeen.has(key)) }];
  }
}
