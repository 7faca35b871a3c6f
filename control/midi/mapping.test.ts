import { describe, expect, it } from 'vitest';
import { applyEvent, initialState, matches } from './mapping';
import { mapping, testSpecs } from './test-support';
import type { ControlEvent } from './assembler';
import type { MappingState, Outcome } from './mapping';
import type { ParamValue } from '../../src/params/spec';
import type { MidiMapping, NoteMode } from '../../src/shared/midi';

const specs = testSpecs();
const ccEvent = (value: number, number = 1, channel = 1): ControlEvent => ({
  kind: 'cc',
  channel,
  number,
  raw: Math.round(value * 127),
  value,
  pairLsbSeen: false,
});
const note = (on: boolean, velocity = 127, n = 36): ControlEvent => ({
  kind: 'note',
  channel: 1,
  note: n,
  velocity: on ? velocity : 0,
  on,
});
const set = (value: ParamValue): Outcome => ({ kind: 'set', value });

function run(m: MidiMapping, event: ControlEvent, current: ParamValue, state: MappingState = initialState()) {
  return applyEvent(m, specs[m.param]!, event, current, state);
}

describe('matching', () => {
  const m = mapping('level', { kind: 'cc', number: 1 }, { device: 'Pad', channel: 2 });
  const cases: [string, MidiMapping, string, ControlEvent, boolean][] = [
    ['same device, channel and number', m, 'Pad', ccEvent(0, 1, 2), true],
    ['other device', m, 'Keys', ccEvent(0, 1, 2), false],
    ['other channel', m, 'Pad', ccEvent(0, 1, 3), false],
    ['other number', m, 'Pad', ccEvent(0, 2, 2), false],
    ['any device, omni', { ...m, device: null, channel: null }, 'Keys', ccEvent(0, 1, 16), true],
    [
      'a cc mapping ignores the 14-bit view',
      m,
      'Pad',
      { kind: 'cc14', channel: 2, number: 1, fromLsb: false, value: 0 },
      false,
    ],
    ['note by number', mapping('freeze', { kind: 'note', note: 36, mode: 'toggle' }), 'Pad', note(true), true],
    ['other note', mapping('freeze', { kind: 'note', note: 37, mode: 'toggle' }), 'Pad', note(true), false],
    [
      'pitch bend',
      mapping('hue', { kind: 'pitchbend' }),
      'Pad',
      { kind: 'pitchbend', channel: 1, raw: 0, value: 0 },
      true,
    ],
    [
      'nrpn is not rpn',
      mapping('hue', { kind: 'nrpn', number: 5 }),
      'Pad',
      { kind: 'rpn', channel: 1, number: 5, value: 0 },
      false,
    ],
  ];
  it.each(cases)('%s', (_name, mapping, device, event, expected) => {
    expect(matches(mapping, device, event)).toBe(expected);
  });
});

describe('absolute controls on each kind of parameter', () => {
  const cases: [string, MidiMapping, number, ParamValue, Outcome][] = [
    ['number', mapping('level', { kind: 'cc', number: 1 }), 0.25, 0, set(0.25)],
    ['number, inverted', mapping('level', { kind: 'cc', number: 1 }, { invert: true }), 0.25, 0, set(0.75)],
    ['number, own range', mapping('hue', { kind: 'cc', number: 1 }, { min: -10, max: 10 }), 1, 0, set(10)],
    ['int (the store rounds)', mapping('steps', { kind: 'cc', number: 1 }), 0.5, 0, set(8)],
    ['bool low', mapping('freeze', { kind: 'cc', number: 1 }), 0.3, true, set(false)],
    ['bool high', mapping('freeze', { kind: 'cc', number: 1 }), 0.6, false, set(true)],
    ['enum first', mapping('mode', { kind: 'cc', number: 1 }), 0, 'grid', set(0)],
    ['enum last', mapping('mode', { kind: 'cc', number: 1 }), 1, 'grid', set(3)],
    ['enum middle', mapping('mode', { kind: 'cc', number: 1 }), 0.4, 'grid', set(1)],
    ['trigger on the way up', mapping('flash', { kind: 'cc', number: 1 }), 1, false, set(true)],
    [
      'trigger stays quiet low',
      mapping('flash', { kind: 'cc', number: 1 }),
      0,
      false,
      { kind: 'skip', why: 'trigger fires on the way up' },
    ],
  ];
  it.each(cases)('%s', (_name, m, position, current, outcome) => {
    expect(run(m, ccEvent(position), current)[0]).toEqual(outcome);
  });

  it('a trigger fires once per rise', () => {
    const m = mapping('flash', { kind: 'cc', number: 1 });
    const [first, s1] = run(m, ccEvent(1), false);
    const [second, s2] = run(m, ccEvent(0.9), false, s1);
    const [, s3] = run(m, ccEvent(0), false, s2);
    const [third] = run(m, ccEvent(1), false, s3);
    expect([first.kind, second.kind, third.kind]).toEqual(['set', 'skip', 'set']);
  });

  it('text parameters cannot be driven', () => {
    expect(run(mapping('prompt', { kind: 'cc', number: 1 }), ccEvent(1), '')[0].kind).toBe('skip');
  });
});

describe('note modes', () => {
  const n = (param: string, mode: NoteMode, extra: Partial<MidiMapping> = {}) =>
    mapping(param, { kind: 'note', note: 36, mode }, extra);
  const cases: [string, MidiMapping, boolean, ParamValue, Outcome | 'skip'][] = [
    ['momentary bool: on while held', n('freeze', 'momentary'), true, false, set(true)],
    ['momentary bool: off on release', n('freeze', 'momentary'), false, true, set(false)],
    ['momentary number: velocity', n('level', 'momentary'), true, 0, set(1)],
    ['momentary number: min on release', n('level', 'momentary'), false, 1, set(0)],
    ['momentary trigger: fires on press', n('flash', 'momentary'), true, false, set(true)],
    ['toggle bool: off -> on', n('freeze', 'toggle'), true, false, set(true)],
    ['toggle bool: on -> off', n('freeze', 'toggle'), true, true, set(false)],
    ['toggle ignores release', n('freeze', 'toggle'), false, true, 'skip'],
    ['toggle number: low -> max', n('hue', 'toggle'), true, -100, set(180)],
    ['toggle number: high -> min', n('hue', 'toggle'), true, 170, set(-180)],
    ['toggle enum: first <-> last', n('mode', 'toggle'), true, 'waves', set(3)],
    ['trigger fires a trigger', n('flash', 'trigger'), true, false, set(true)],
    ['trigger on a bool sets it', n('freeze', 'trigger'), true, false, set(true)],
    ['trigger on an enum steps to the next option', n('mode', 'trigger'), true, 'rings', set(0)],
    ['trigger on a number jumps to max', n('level', 'trigger', { max: 0.8 }), true, 0, set(0.8)],
    ['trigger ignores release', n('flash', 'trigger'), false, false, 'skip'],
  ];
  it.each(cases)('%s', (_name, m, on, current, expected) => {
    const [outcome] = run(m, note(on), current);
    if (expected === 'skip') expect(outcome.kind).toBe('skip');
    else expect(outcome).toEqual(expected);
  });

  it('momentary number scales velocity through the range', () => {
    expect(run(n('level', 'momentary'), note(true, 64), 0)[0]).toEqual(set(64 / 127));
  });

  it('a momentary trigger fires on every press even if a release went missing', () => {
    const m = n('flash', 'momentary');
    const [, s1] = run(m, note(true), false);
    expect(run(m, note(true), false, s1)[0]).toEqual(set(true));
  });
});

describe('program change', () => {
  const pc = (program: number): ControlEvent => ({ kind: 'program', channel: 1, program });
  const cases: [string, string, number, Outcome | 'skip'][] = [
    ['enum: program number is the option index', 'mode', 2, set(2)],
    ['enum: program 0', 'mode', 0, set(0)],
    ['enum: no such option', 'mode', 4, 'skip'],
    ['int: min + program', 'steps', 5, set(5)],
    ['number: a position', 'level', 127, set(1)],
    ['trigger fires', 'flash', 9, set(true)],
  ];
  it.each(cases)('%s', (_name, param, program, expected) => {
    const [outcome] = run(mapping(param, { kind: 'program' }), pc(program), specs[param]!.default);
    if (expected === 'skip') expect(outcome.kind).toBe('skip');
    else expect(outcome).toEqual(expected);
  });
});

describe('NRPN increment and decrement', () => {
  const step = (s: 1 | -1): ControlEvent => ({ kind: 'nrpn', channel: 1, number: 5, step: s });
  const nrpn = (param: string, extra: Partial<MidiMapping> = {}) => mapping(param, { kind: 'nrpn', number: 5 }, extra);
  const cases: [string, MidiMapping, 1 | -1, ParamValue, ParamValue][] = [
    ['int +1', nrpn('steps'), 1, 4, 5],
    ['int -1', nrpn('steps'), -1, 4, 3],
    ['int stops at max', nrpn('steps'), 1, 16, 16],
    ['number: 1/128 of the range', nrpn('hue'), 1, 0, 360 / 128],
    ['number: within the mapping range', nrpn('hue', { min: 0, max: 10 }), -1, 0, 0],
    ['inverted', nrpn('steps', { invert: true }), 1, 4, 3],
    ['enum next', nrpn('mode'), 1, 'waves', 1],
    ['enum stops at the last', nrpn('mode'), 1, 'rings', 3],
    ['bool', nrpn('freeze'), -1, true, false],
  ];
  it.each(cases)('%s', (_name, m, s, current, value) => {
    expect(run(m, step(s), current)[0]).toEqual(set(value));
  });
});

describe('soft takeover', () => {
  const m = mapping('level', { kind: 'cc', number: 1 }, { softTakeover: true });
  /** Feeds positions while the store holds `current` (updated by each write), as the service would. */
  function sweep(start: number, positions: number[]): ParamValue[] {
    let current: ParamValue = start;
    let state = initialState();
    const values: ParamValue[] = [];
    for (const p of positions) {
      const [outcome, next] = run(m, ccEvent(p), current, state);
      state = next;
      if (outcome.kind === 'set') current = outcome.value;
      values.push(current);
    }
    return values;
  }
  const cases: [string, number, number[], ParamValue[]][] = [
    ['far below: nothing until it reaches the value', 0.8, [0.1, 0.3, 0.5], [0.8, 0.8, 0.8]],
    ['crossing the value picks it up', 0.5, [0.1, 0.3, 0.6, 0.7], [0.5, 0.5, 0.6, 0.7]],
    ['crossing from above', 0.5, [0.9, 0.4, 0.2], [0.5, 0.4, 0.2]],
    ['landing on it picks it up', 0.5, [0.2, 0.5, 0.1], [0.5, 0.5, 0.1]],
    ['within the window picks it up at once', 0.5, [0.51, 0.9], [0.51, 0.9]],
  ];
  it.each(cases)('%s', (_name, start, positions, values) => {
    expect(sweep(start, positions)).toEqual(values);
  });

  it('after a change from elsewhere the control has to pick up again', () => {
    let [outcome, state] = run(m, ccEvent(0.5), 0.5);
    expect(outcome).toEqual(set(0.5));
    [outcome, state] = run(m, ccEvent(0.6), 0.5, state);
    expect(outcome).toEqual(set(0.6));
    // The panel moves the value to 0.1; the knob, still at 0.6, moves on to 0.7: nothing happens.
    [outcome, state] = run(m, ccEvent(0.7), 0.1, state);
    expect(outcome.kind).toBe('skip');
    [outcome, state] = run(m, ccEvent(0.3), 0.1, state);
    expect(outcome.kind).toBe('skip');
    // ...until it comes down across 0.1.
    [outcome] = run(m, ccEvent(0.05), 0.1, state);
    expect(outcome).toEqual(set(0.05));
  });

  it('without soft takeover the control jumps the value', () => {
    expect(run({ ...m, softTakeover: false }, ccEvent(0.1), 0.9)[0]).toEqual(set(0.1));
  });

  it('works in the controller space of an inverted curve', () => {
    const inv = { ...m, invert: true, curve: 'exp' as const };
    // Value 0.5 sits at position 1 - unshape(exp, 0.5); a position there picks it up.
    const [outcome] = run(inv, ccEvent(1 - Math.log2(1 + 0.5 * 63) / 6), 0.5);
    expect(outcome.kind).toBe('set');
    expect((outcome as { value: number }).value).toBeCloseTo(0.5, 9);
  });
});
