/**
 * Controller position (0..1) to a value in a mapping's range and back. The curves are exact inverses of each other
 * so LED and motor-fader feedback lands where the control would have to be to produce the value.
 */
import type { MidiCurve, MidiMapping } from '../../src/shared/midi';
import type { ParamSpec } from '../../src/params/spec';

/** Steepness of log/exp: 2^K - 1 = 63, about the feel of an audio taper. */
const K = 6;
const SPAN = 2 ** K - 1;
const clamp01 = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x);

/** Shapes a position: `exp` gives fine control at the bottom of the range, `log` at the top. */
export function shape(curve: MidiCurve, x: number): number {
  const t = clamp01(x);
  if (curve === 'exp') return (2 ** (K * t) - 1) / SPAN;
  if (curve === 'log') return Math.log2(1 + t * SPAN) / K;
  return t;
}

/** The inverse of shape(). */
export function unshape(curve: MidiCurve, y: number): number {
  const t = clamp01(y);
  if (curve === 'exp') return Math.log2(1 + t * SPAN) / K;
  if (curve === 'log') return (2 ** (K * t) - 1) / SPAN;
  return t;
}

type Ranged = Pick<MidiMapping, 'min' | 'max' | 'curve' | 'invert'>;

/** The mapping's range in the parameter's units: its own min/max, else the parameter's (0..1 for others). */
export function rangeOf(m: Pick<MidiMapping, 'min' | 'max'>, spec: ParamSpec): [number, number] {
  const numeric = spec.kind === 'number' || spec.kind === 'int';
  return [m.min ?? (numeric ? spec.min : 0), m.max ?? (numeric ? spec.max : 1)];
}

/** A controller position as a value in the mapping's range, through invert and the curve. */
export function toValue(m: Ranged, spec: ParamSpec, position: number): number {
  const [lo, hi] = rangeOf(m, spec);
  const p = m.invert ? 1 - clamp01(position) : clamp01(position);
  return lo + shape(m.curve, p) * (hi - lo);
}

/** Where the controller has to be for `value`: the inverse of toValue, clamped to 0..1. */
export function toPosition(m: Ranged, spec: ParamSpec, value: number): number {
  const [lo, hi] = rangeOf(m, spec);
  const y = hi === lo ? 0 : (value - lo) / (hi - lo);
  const p = unshape(m.curve, y);
  return m.invert ? 1 - p : p;
}
