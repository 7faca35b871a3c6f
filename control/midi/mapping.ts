/**
 * The mapping engine, pure: does a control event belong to a mapping, and what value does it write? Soft takeover
 * state is passed in and handed back, so every rule is a table test away.
 */
import { rangeOf, toPosition, toValue } from './curve';
import type { ControlEvent } from './assembler';
import type { MidiMapping } from '../../src/shared/midi';
import type { ParamSpec, ParamValue } from '../../src/params/spec';

/** What one mapping remembers per device between messages. */
export interface MappingState {
  /** Soft takeover: the control has caught the value and now drives it. */
  picked: boolean;
  /** The value this mapping last wrote; anything else in the store means someone else moved it. */
  written: ParamValue | undefined;
  /** The control's last position, to see it cross the current value. */
  position: number | undefined;
  /** A CC driving a trigger fires on the way up only. */
  high: boolean;
}

export const initialState = (): MappingState => ({
  picked: false,
  written: undefined,
  position: undefined,
  high: false,
});

/** A write to the store, or nothing and why. */
export type Outcome = { kind: 'set'; value: ParamValue } | { kind: 'skip'; why: string };

/** How close (as a fraction of the control's travel) counts as having reached the value for pickup. */
export const PICKUP_WINDOW = 0.02;

/** Whether `event` from `device` is the control `m` listens to. */
export function matches(m: MidiMapping, device: string, event: ControlEvent): boolean {
  if (m.device !== null && m.device !== device) return false;
  if (m.channel !== null && m.channel !== event.channel) return false;
  const c = m.control;
  switch (event.kind) {
    case 'cc':
    case 'cc14':
    case 'nrpn':
    case 'rpn':
      return c.kind === event.kind && c.number === event.number;
    case 'note':
      return c.kind === 'note' && c.note === event.note;
    case 'pitchbend':
    case 'program':
      return c.kind === event.kind;
  }
}

const skip = (why: string): Outcome => ({ kind: 'skip', why });
const isNumeric = (spec: ParamSpec) => spec.kind === 'number' || spec.kind === 'int';

/**
 * Applies one event to one mapping: the outcome and the state to keep. `current` is the parameter's value in the
 * store now.
 */
export function applyEvent(
  m: MidiMapping,
  spec: ParamSpec,
  event: ControlEvent,
  current: ParamValue | undefined,
  state: MappingState,
): [Outcome, MappingState] {
  if (spec.kind === 'text' || spec.kind === 'color') return [skip(`a ${spec.kind} parameter cannot be mapped`), state];
  switch (event.kind) {
    case 'note':
      return noteEvent(m, spec, event, current, state);
    case 'program':
      return [programEvent(m, spec, event.program), state];
    default:
      if ('step' in event) return [stepEvent(m, spec, event.step, current), state];
      return absolute(m, spec, event.value, current, state, m.softTakeover && isNumeric(spec));
  }
}

/** An absolute position (CC, 14-bit, NRPN data entry, pitch bend, a held note) applied to any kind of parameter. */
function absolute(
  m: MidiMapping,
  spec: ParamSpec,
  position: number,
  current: ParamValue | undefined,
  state: MappingState,
  pickup: boolean,
): [Outcome, MappingState] {
  const p = m.invert ? 1 - position : position;
  switch (spec.kind) {
    case 'bool':
      return [{ kind: 'set', value: p >= 0.5 }, state];
    case 'trigger': {
      const high = p >= 0.5;
      return [
        high && !state.high ? { kind: 'set', value: true } : skip('trigger fires on the way up'),
        { ...state, high },
      ];
    }
    case 'enum':
      return [{ kind: 'set', value: Math.round(p * (spec.options.length - 1)) }, state];
    default:
      break;
  }
  const target = toValue(m, spec, position);
  if (!pickup || typeof current !== 'number') {
    return [
      { kind: 'set', value: target },
      { ...state, picked: true, written: target, position },
    ];
  }
  // Someone else moved the value since our last write (or we never wrote): the control has to pick it up again.
  let picked = state.picked && state.written === current;
  if (!picked) {
    const at = toPosition(m, spec, current);
    const near = Math.abs(position - at) <= PICKUP_WINDOW;
    const crossed = state.position !== undefined && (state.position - at) * (position - at) <= 0;
    picked = near || crossed;
  }
  if (!picked) return [skip('soft takeover: waiting for the control to reach the value'), { ...state, position }];
  return [
    { kind: 'set', value: target },
    { ...state, picked: true, written: target, position },
  ];
}

function noteEvent(
  m: MidiMapping,
  spec: ParamSpec,
  event: Extract<ControlEvent, { kind: 'note' }>,
  current: ParamValue | undefined,
  state: MappingState,
): [Outcome, MappingState] {
  const mode = m.control.kind === 'note' ? m.control.mode : 'momentary';
  if (mode === 'momentary') {
    // Velocity shapes a number (a drum pad); any other kind is simply on while held.
    const position = event.on ? (isNumeric(spec) ? event.velocity / 127 : 1) : 0;
    // Each press is a new edge, even if a note off went missing.
    return absolute(m, spec, position, current, { ...state, high: event.on ? false : state.high }, false);
  }
  if (!event.on) return [skip('note off'), state];
  const [lo, hi] = rangeOf(m, spec);
  switch (spec.kind) {
    case 'trigger':
      return [{ kind: 'set', value: true }, state];
    case 'bool':
      return [{ kind: 'set', value: mode === 'toggle' ? current !== true : !m.invert }, state];
    case 'enum': {
      const last = spec.options.length - 1;
      const index = Math.max(0, spec.options.indexOf(String(current)));
      if (mode === 'trigger') return [{ kind: 'set', value: (index + 1) % spec.options.length }, state];
      return [{ kind: 'set', value: index === 0 ? last : 0 }, state];
    }
    default: {
      if (mode === 'trigger') return [{ kind: 'set', value: m.invert ? lo : hi }, state];
      const up = typeof current === 'number' && Math.abs(current - hi) < Math.abs(current - lo);
      return [{ kind: 'set', value: up ? lo : hi }, state];
    }
  }
}

/** Program change: an option by number for enums, lo + number for ints, a position for the rest. */
function programEvent(m: MidiMapping, spec: ParamSpec, program: number): Outcome {
  if (spec.kind === 'enum') {
    if (program >= spec.options.length) return skip(`program ${program} has no option (${spec.options.length})`);
    return { kind: 'set', value: program };
  }
  if (spec.kind === 'trigger') return { kind: 'set', value: true };
  if (spec.kind === 'int') return { kind: 'set', value: rangeOf(m, spec)[0] + program };
  const p = program / 127;
  if (spec.kind === 'bool') return { kind: 'set', value: (m.invert ? 1 - p : p) >= 0.5 };
  return { kind: 'set', value: toValue(m, spec, p) };
}

/** Data increment/decrement: one step of the parameter (its `step`, 1 for ints, 1/128 of the range otherwise). */
function stepEvent(m: MidiMapping, spec: ParamSpec, step: 1 | -1, current: ParamValue | undefined): Outcome {
  const dir = m.invert ? -step : step;
  switch (spec.kind) {
    case 'trigger':
      return { kind: 'set', value: true };
    case 'bool':
      return { kind: 'set', value: dir > 0 };
    case 'enum': {
      const index = Math.max(0, spec.options.indexOf(String(current)));
      return { kind: 'set', value: Math.min(spec.options.length - 1, Math.max(0, index + dir)) };
    }
    case 'number':
    case 'int': {
      const [lo, hi] = rangeOf(m, spec);
      const size = spec.step ?? (spec.kind === 'int' ? 1 : Math.abs(hi - lo) / 128);
      const base = typeof current === 'number' ? current : lo;
      const next = base + dir * size;
      return { kind: 'set', value: Math.min(Math.max(lo, hi), Math.max(Math.min(lo, hi), next)) };
    }
    default:
      return skip(`a ${spec.kind} parameter cannot be stepped`);
  }
}
