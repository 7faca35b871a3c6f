/**
 * The 80 bits of one LTC frame (SMPTE 12M), least significant bit first: BCD frames, seconds, minutes and hours
 * between the user bits, the drop-frame flag at bit 10, and the sync word 0011 1111 1111 1101 in bits 64-79 that
 * marks the frame's end and, read backwards, a tape playing in reverse.
 */
import type { Timecode } from '../../src/perform';

export const LTC_BITS = 80;
/** Bits 64-79 as sent, in order. */
export const SYNC_WORD = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1] as const;

/** Where each BCD field sits: [first bit, bit count]. */
const FIELDS = {
  frameUnits: [0, 4],
  frameTens: [8, 2],
  secondUnits: [16, 4],
  secondTens: [24, 3],
  minuteUnits: [32, 4],
  minuteTens: [40, 3],
  hourUnits: [48, 4],
  hourTens: [56, 2],
} as const;
export const DROP_FRAME_BIT = 10;

const read = (bits: ArrayLike<number>, [at, count]: readonly [number, number]) => {
  let v = 0;
  for (let i = 0; i < count; i++) v |= (bits[at + i]! & 1) << i;
  return v;
};

const write = (bits: number[], [at, count]: readonly [number, number], value: number) => {
  for (let i = 0; i < count; i++) bits[at + i] = (value >> i) & 1;
};

/** Whether bits 64-79 of `bits` are the sync word. */
export function endsWithSync(bits: ArrayLike<number>): boolean {
  for (let i = 0; i < 16; i++) if (bits[64 + i] !== SYNC_WORD[i]) return false;
  return true;
}

/** The timecode and drop-frame flag of 80 bits in frame order; undefined when a digit is out of range. */
export function readLtcFrame(bits: ArrayLike<number>): { tc: Timecode; drop: boolean } | undefined {
  const f = (name: keyof typeof FIELDS) => read(bits, FIELDS[name]);
  const digits = [f('frameUnits'), f('secondUnits'), f('minuteUnits'), f('hourUnits')];
  if (digits.some((d) => d > 9)) return undefined;
  const tc = {
    hours: f('hourTens') * 10 + f('hourUnits'),
    minutes: f('minuteTens') * 10 + f('minuteUnits'),
    seconds: f('secondTens') * 10 + f('secondUnits'),
    frames: f('frameTens') * 10 + f('frameUnits'),
  };
  if (tc.hours > 23 || tc.minutes > 59 || tc.seconds > 59 || tc.frames > 29) return undefined;
  return { tc, drop: bits[DROP_FRAME_BIT] === 1 };
}

/** The 80 bits of a frame (user bits 0), with the polarity bit set so each frame holds an even count of zeros. */
export function writeLtcFrame(tc: Timecode, drop: boolean, polarityBit: 27 | 59): number[] {
  const bits = new Array<number>(LTC_BITS).fill(0);
  write(bits, FIELDS.frameUnits, tc.frames % 10);
  write(bits, FIELDS.frameTens, Math.floor(tc.frames / 10));
  write(bits, FIELDS.secondUnits, tc.seconds % 10);
  write(bits, FIELDS.secondTens, Math.floor(tc.seconds / 10));
  write(bits, FIELDS.minuteUnits, tc.minutes % 10);
  write(bits, FIELDS.minuteTens, Math.floor(tc.minutes / 10));
  write(bits, FIELDS.hourUnits, tc.hours % 10);
  write(bits, FIELDS.hourTens, Math.floor(tc.hours / 10));
  bits[DROP_FRAME_BIT] = drop ? 1 : 0;
  SYNC_WORD.forEach((b, i) => (bits[64 + i] = b));
  const zeros = bits.filter((b) => b === 0).length;
  if (zeros % 2 === 1) bits[polarityBit] = 1;
  return bits;
}
