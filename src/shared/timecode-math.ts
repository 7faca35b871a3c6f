/**
 * SMPTE timecode arithmetic: labels (hh:mm:ss:ff) to frame counts and back, drop-frame included. At 29.97
 * drop-frame the labels ;00 and ;01 are skipped at the start of every minute except each tenth, so the label keeps
 * up with the clock on the wall (frames run at 30000/1001 per second).
 */
import { timecodeTextProblem } from './timecode';
import type { TimecodeRate } from './timecode';

export interface Timecode {
  hours: number;
  minutes: number;
  seconds: number;
  frames: number;
}

export interface RateInfo {
  /** Frames counted per labelled second: 24, 25 or 30. */
  nominal: number;
  /** Frames per second of real time. */
  fps: number;
  drop: boolean;
}

export const RATES: Record<TimecodeRate, RateInfo> = {
  '24': { nominal: 24, fps: 24, drop: false },
  '25': { nominal: 25, fps: 25, drop: false },
  '29.97df': { nominal: 30, fps: 30000 / 1001, drop: true },
  '30': { nominal: 30, fps: 30, drop: false },
};

const DF_PER_10_MIN = 17982;
const DF_PER_MIN = 1798;
/** Frames in 24 hours at each rate: positions wrap there, as timecode does. */
export const dayFrames = (rate: TimecodeRate): number =>
  RATES[rate].drop ? DF_PER_10_MIN * 144 : RATES[rate].nominal * 86400;

/** Parses hh:mm:ss:ff; a sentence saying why when it is not a timecode. */
export function parseTimecode(text: string): Timecode | string {
  const trimmed = text.trim();
  const problem = timecodeTextProblem(trimmed);
  if (problem) return problem;
  const [hours, minutes, seconds, frames] = trimmed.split(/[:;.]/).map(Number) as [number, number, number, number];
  return { hours, minutes, seconds, frames };
}

/** Like parseTimecode, for text already checked by the schema. */
export function timecodeOf(text: string): Timecode {
  const tc = parseTimecode(text);
  if (typeof tc === 'string') throw new Error(tc);
  return tc;
}

const two = (n: number) => String(n).padStart(2, '0');

/** hh:mm:ss:ff, or hh:mm:ss;ff at drop-frame. */
export function formatTimecode(tc: Timecode, drop = false): string {
  return `${two(tc.hours)}:${two(tc.minutes)}:${two(tc.seconds)}${drop ? ';' : ':'}${two(tc.frames)}`;
}

/** Frames since 00:00:00:00 at `rate`. */
export function toFrames(tc: Timecode, rate: TimecodeRate): number {
  const { nominal, drop } = RATES[rate];
  const plain = ((tc.hours * 60 + tc.minutes) * 60 + tc.seconds) * nominal + tc.frames;
  if (!drop) return plain;
  const minutes = tc.hours * 60 + tc.minutes;
  return plain - 2 * (minutes - Math.floor(minutes / 10));
}

/** The label of frame `n` (wrapped into one day) at `rate`. */
export function fromFrames(n: number, rate: TimecodeRate): Timecode {
  const { nominal, drop } = RATES[rate];
  const day = dayFrames(rate);
  let f = ((Math.floor(n) % day) + day) % day;
  if (drop) {
    const tens = Math.floor(f / DF_PER_10_MIN);
    const rest = f % DF_PER_10_MIN;
    f += 18 * tens + (rest > 1 ? 2 * Math.floor((rest - 2) / DF_PER_MIN) : 0);
  }
  return {
    hours: Math.floor(f / (nominal * 3600)),
    minutes: Math.floor(f / (nominal * 60)) % 60,
    seconds: Math.floor(f / nominal) % 60,
    frames: f % nominal,
  };
}

/**
 * An order of labels that holds at every rate (frames below 30): a cue written `01:00:00:27` sits between
 * `01:00:00:26` and `01:00:01:00` whatever rate the timecode arrives at.
 */
export function labelKey(tc: Timecode): number {
  return ((tc.hours * 60 + tc.minutes) * 60 + tc.seconds) * 30 + tc.frames;
}

/** Seconds of real time from 00:00:00:00 to frame `n`. */
export const framesToSeconds = (n: number, rate: TimecodeRate): number => n / RATES[rate].fps;
