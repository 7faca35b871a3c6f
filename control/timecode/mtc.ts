/**
 * MIDI Time Code, both ways. In: quarter-frame messages (F1 0nnn dddd, eight pieces spread over two frames) and
 * full-frame SysEx (F0 7F <device> 01 01 hh mm ss ff F7), the rate in two bits of the hours. Out: the same
 * messages for a position. Pure: the same bytes give the same frames.
 */
import { RATES, fromFrames, toFrames } from '../../src/perform';
import type { Timecode } from '../../src/perform';
import type { MidiBytes } from '../midi/backend';
import type { TimecodeRate } from '../../src/shared/timecode';

/** The two rate bits of MTC, in order: 0 = 24, 1 = 25, 2 = 29.97 drop-frame, 3 = 30. */
const RATE_CODES: readonly TimecodeRate[] = ['24', '25', '29.97df', '30'];
export const QUARTER_FRAME = 0xf1;

/** A position heard: frames since midnight at `rate`; `full` for a full frame (a locate), else quarter frames. */
export interface MtcFrame {
  frames: number;
  rate: TimecodeRate;
  reverse: boolean;
  full: boolean;
}

const rateCode = (rate: TimecodeRate) => RATE_CODES.indexOf(rate);

/** The eight nibbles of a quarter-frame sequence for `tc`. */
function pieces(tc: Timecode, rate: TimecodeRate): number[] {
  const hi = (rateCode(rate) << 1) | (tc.hours >> 4);
  return [tc.frames, tc.seconds, tc.minutes].flatMap((v) => [v & 0x0f, v >> 4]).concat([tc.hours & 0x0f, hi]);
}

/** Quarter frame `piece` (0-7) of the sequence that carries `frames`. */
export function quarterFrame(frames: number, rate: TimecodeRate, piece: number): MidiBytes {
  const nibble = pieces(fromFrames(frames, rate), rate)[piece] ?? 0;
  return [QUARTER_FRAME, ((piece & 7) << 4) | (nibble & 0x0f)];
}

/** The full-frame SysEx for `frames`, to every device (7F). */
export function fullFrame(frames: number, rate: TimecodeRate): MidiBytes {
  const tc = fromFrames(frames, rate);
  return [0xf0, 0x7f, 0x7f, 0x01, 0x01, (rateCode(rate) << 5) | tc.hours, tc.minutes, tc.seconds, tc.frames, 0xf7];
}

/** The position a full-frame SysEx carries; undefined for any other message or a damaged one. */
export function readFullFrame(bytes: MidiBytes): MtcFrame | undefined {
  if (bytes.length !== 10 || bytes[0] !== 0xf0 || bytes[9] !== 0xf7) return undefined;
  if (bytes[1] !== 0x7f || bytes[3] !== 0x01 || bytes[4] !== 0x01) return undefined;
  const [hr = 0, minutes = 0, seconds = 0, frames = 0] = bytes.slice(5, 9);
  const rate = RATE_CODES[(hr >> 5) & 3]!;
  const tc = { hours: hr & 0x1f, minutes, seconds, frames };
  if (!valid(tc, rate)) return undefined;
  return { frames: toFrames(tc, rate), rate, reverse: false, full: true };
}

const valid = (tc: Timecode, rate: TimecodeRate) =>
  tc.hours < 24 && tc.minutes < 60 && tc.seconds < 60 && tc.frames < RATES[rate].nominal;

/**
 * Assembles quarter frames into positions. A sequence counts once its eight pieces arrived in order (0..7 running
 * forward, 7..0 backwards); a piece out of order starts a new one. The value is the frame at which the sequence
 * began, so the position now is two frames further (or back, in reverse).
 */
export class MtcAssembler {
  private readonly nibbles = new Array<number>(8).fill(0);
  private last = -1;
  private count = 0;
  private reverse = false;

  /** One message in; a position once a sequence completes (or at once for a full frame). */
  feed(bytes: MidiBytes): MtcFrame | undefined {
    if (bytes[0] !== QUARTER_FRAME) {
      const full = readFullFrame(bytes);
      if (full) this.reset();
      return full;
    }
    const data = bytes[1] ?? 0;
    const piece = (data >> 4) & 7;
    const forward = this.last >= 0 && piece === (this.last + 1) % 8;
    const backward = this.last >= 0 && piece === (this.last + 7) % 8;
    if (forward || backward) {
      if (this.count > 1 && backward !== this.reverse) this.count = 1;
      this.reverse = backward;
      this.count++;
    } else this.count = 1;
    this.last = piece;
    this.nibbles[piece] = data & 0x0f;
    const ends = this.reverse ? piece === 0 : piece === 7;
    if (this.count < 8 || !ends) return undefined;
    this.count = 0;
    return this.assembled();
  }

  private reset(): void {
    this.last = -1;
    this.count = 0;
  }

  private assembled(): MtcFrame | undefined {
    const n = this.nibbles;
    const rate = RATE_CODES[(n[7]! >> 1) & 3]!;
    const tc = {
      frames: n[0]! | ((n[1]! & 1) << 4),
      seconds: n[2]! | ((n[3]! & 3) << 4),
      minutes: n[4]! | ((n[5]! & 3) << 4),
      hours: n[6]! | ((n[7]! & 1) << 4),
    };
    if (!valid(tc, rate)) return undefined;
    const at = toFrames(tc, rate) + (this.reverse ? -2 : 2);
    return { frames: at, rate, reverse: this.reverse, full: false };
  }
}
