/**
 * Feedback, pure part: a parameter's value as the MIDI messages that put a controller's LED or motor fader where
 * the mapping's control would have to be. The inverse of the mapping engine.
 */
import { toPosition } from './curve';
import type { MidiBytes } from './backend';
import type { MidiMapping } from '../../src/shared/midi';
import type { ParamSpec, ParamValue } from '../../src/params/spec';

const round = (x: number, max: number) => Math.min(max, Math.max(0, Math.round(x * max)));

/** The controller position (0..1) that shows `value`; undefined for what has no position (triggers, text). */
export function feedbackPosition(m: MidiMapping, spec: ParamSpec, value: ParamValue): number | undefined {
  switch (spec.kind) {
    case 'number':
    case 'int':
      return typeof value === 'number' ? toPosition(m, spec, value) : undefined;
    case 'bool': {
      const on = value === true ? 1 : 0;
      return m.invert ? 1 - on : on;
    }
    case 'enum': {
      const index = spec.options.indexOf(String(value));
      if (index < 0) return undefined;
      const p = spec.options.length > 1 ? index / (spec.options.length - 1) : 0;
      return m.invert ? 1 - p : p;
    }
    default:
      return undefined;
  }
}

/** Parameter number and value as a full NRPN/RPN sequence, closed with the null RPN so stray data entry is inert. */
function parameterSequence(status: number, rpn: boolean, number: number, v14: number): MidiBytes[] {
  const [selMsb, selLsb] = rpn ? [101, 100] : [99, 98];
  return [
    [status, selMsb, number >> 7],
    [status, selLsb, number & 0x7f],
    [status, 6, v14 >> 7],
    [status, 38, v14 & 0x7f],
    [status, 101, 127],
    [status, 100, 127],
  ];
}

/** The messages that show `value` on the control of `m`, on `channel` (1-16). Empty when there is nothing to show. */
export function feedbackMessages(m: MidiMapping, spec: ParamSpec, value: ParamValue, channel: number): MidiBytes[] {
  const c = m.control;
  const ch = (channel - 1) & 0x0f;
  if (c.kind === 'program') {
    if (spec.kind !== 'enum') return [];
    const index = spec.options.indexOf(String(value));
    return index >= 0 && index < 128 ? [[0xc0 | ch, index]] : [];
  }
  const p = feedbackPosition(m, spec, value);
  if (p === undefined) return [];
  switch (c.kind) {
    case 'cc':
      return [[0xb0 | ch, c.number, round(p, 127)]];
    case 'cc14': {
      const v = round(p, 16383);
      return [
        [0xb0 | ch, c.number, v >> 7],
        [0xb0 | ch, c.number + 32, v & 0x7f],
      ];
    }
    case 'nrpn':
    case 'rpn':
      return parameterSequence(0xb0 | ch, c.kind === 'rpn', c.number, round(p, 16383));
    case 'note':
      // Velocity 127 lights the pad, 0 (a note on with velocity 0) turns it off; most pads have no dimmer.
      return [[0x90 | ch, c.note, p >= 0.5 ? 127 : 0]];
    case 'pitchbend': {
      const v = round(p, 16383);
      return [[0xe0 | ch, v & 0x7f, v >> 7]];
    }
  }
}
