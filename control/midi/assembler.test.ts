import { describe, expect, it } from 'vitest';
import { MidiAssembler } from './assembler';
import { bend, cc, noteOff, noteOn, program } from './test-support';
import type { ControlEvent } from './assembler';

/** Feeds every message and returns the events of the last one. */
function last(...messages: number[][]): ControlEvent[] {
  const a = new MidiAssembler();
  let out: ControlEvent[] = [];
  for (const m of messages) out = a.feed(m);
  return out;
}

const only = <K extends ControlEvent['kind']>(events: ControlEvent[], kind: K) =>
  events.filter((e): e is Extract<ControlEvent, { kind: K }> => e.kind === kind);

describe('14-bit CC pairs', () => {
  const cases: [string, number[][], number, boolean][] = [
    ['MSB only, never an LSB: the MSB spans the range', [cc(1, 1, 127)], 1, false],
    ['MSB only, half way', [cc(1, 1, 64)], 64 / 127, false],
    ['MSB then LSB', [cc(1, 7, 64), cc(1, 39, 0)], 8192 / 16383, true],
    ['MSB then LSB, top', [cc(1, 7, 127), cc(1, 39, 127)], 1, true],
    ['LSB refines the last MSB', [cc(1, 7, 10), cc(1, 39, 5), cc(1, 39, 6)], ((10 << 7) | 6) / 16383, true],
    ['a new MSB resets the LSB to 0 (MIDI 1.0)', [cc(1, 7, 10), cc(1, 39, 5), cc(1, 7, 11)], (11 << 7) / 16383, false],
    ['pairs are per channel', [cc(1, 7, 10), cc(2, 39, 5), cc(1, 7, 20)], 20 / 127, false],
  ];
  it.each(cases)('%s', (_name, messages, value, fromLsb) => {
    const events = only(last(...messages), 'cc14');
    expect(events).toHaveLength(1);
    expect(events[0]!.value).toBeCloseTo(value, 9);
    expect(events[0]!.fromLsb).toBe(fromLsb);
  });

  it('every CC is also a plain 7-bit CC event', () => {
    expect(only(last(cc(3, 39, 100)), 'cc')).toEqual([
      { kind: 'cc', channel: 3, number: 39, raw: 100, value: 100 / 127, pairLsbSeen: false },
    ]);
    expect(only(last(cc(1, 80, 127)), 'cc14')).toEqual([]);
  });

  it('marks an MSB whose pair has sent an LSB before', () => {
    expect(only(last(cc(1, 1, 3), cc(1, 33, 4), cc(1, 1, 5)), 'cc')[0]!.pairLsbSeen).toBe(true);
  });
});

describe('NRPN and RPN', () => {
  const nrpn = (ch: number, n: number) => [cc(ch, 99, n >> 7), cc(ch, 98, n & 0x7f)];
  const rpn = (ch: number, n: number) => [cc(ch, 101, n >> 7), cc(ch, 100, n & 0x7f)];
  const cases: [string, number[][], ControlEvent[]][] = [
    ['select alone gives nothing', nrpn(1, 1000), []],
    ['7-bit data entry', [...nrpn(1, 1000), cc(1, 6, 127)], [{ kind: 'nrpn', channel: 1, number: 1000, value: 1 }]],
    [
      '14-bit data entry',
      [...nrpn(1, 1000), cc(1, 6, 64), cc(1, 38, 0)],
      [{ kind: 'nrpn', channel: 1, number: 1000, value: 8192 / 16383 }],
    ],
    [
      'LSB select before MSB select',
      [cc(2, 98, 5), cc(2, 99, 1), cc(2, 6, 0)],
      [{ kind: 'nrpn', channel: 2, number: 133, value: 0 }],
    ],
    ['increment', [...nrpn(1, 7), cc(1, 96, 1)], [{ kind: 'nrpn', channel: 1, number: 7, step: 1 }]],
    ['decrement', [...nrpn(1, 7), cc(1, 97, 1)], [{ kind: 'nrpn', channel: 1, number: 7, step: -1 }]],
    ['RPN data entry', [...rpn(1, 0), cc(1, 6, 127)], [{ kind: 'rpn', channel: 1, number: 0, value: 1 }]],
    ['RPN increment', [...rpn(1, 2), cc(1, 96, 0)], [{ kind: 'rpn', channel: 1, number: 2, step: 1 }]],
    ['null RPN: data entry after it changes nothing', [...nrpn(1, 7), ...rpn(1, 16383), cc(1, 6, 10)], []],
    ['null RPN: nor does increment', [...rpn(1, 0), ...rpn(1, 16383), cc(1, 96, 1)], []],
    [
      'a new select after the null works again',
      [...rpn(1, 16383), ...nrpn(1, 3), cc(1, 6, 0)],
      [{ kind: 'nrpn', channel: 1, number: 3, value: 0 }],
    ],
    [
      'CC 6 is a plain CC on a controller that never selects a parameter',
      [cc(1, 6, 127)],
      [
        { kind: 'cc', channel: 1, number: 6, raw: 127, value: 1, pairLsbSeen: false },
        { kind: 'cc14', channel: 1, number: 6, fromLsb: false, value: 1 },
      ],
    ],
    ['select CCs are never plain CCs', [cc(1, 99, 1)], []],
  ];
  it.each(cases)('%s', (_name, messages, expected) => {
    const events = last(...messages);
    expect(events).toHaveLength(expected.length);
    events.forEach((e, i) => {
      const want = expected[i]!;
      if ('value' in want && 'value' in e) {
        expect(e.value).toBeCloseTo(want.value, 9);
        expect({ ...e, value: 0 }).toEqual({ ...want, value: 0 });
      } else expect(e).toEqual(want);
    });
  });

  it('a parameter that sent an LSB once is 14-bit from then on, even for an MSB alone', () => {
    const a = new MidiAssembler();
    for (const m of [cc(1, 99, 0), cc(1, 98, 9), cc(1, 6, 1), cc(1, 38, 1)]) a.feed(m);
    expect(a.feed(cc(1, 6, 127))).toEqual([{ kind: 'nrpn', channel: 1, number: 9, value: (127 << 7) / 16383 }]);
  });
});

describe('notes, pitch bend, program change, the rest', () => {
  const cases: [string, number[], ControlEvent[]][] = [
    ['note on', noteOn(10, 36, 90), [{ kind: 'note', channel: 10, note: 36, velocity: 90, on: true }]],
    ['note off', noteOff(1, 36), [{ kind: 'note', channel: 1, note: 36, velocity: 0, on: false }]],
    [
      'note on with velocity 0 is a note off',
      noteOn(1, 36, 0),
      [{ kind: 'note', channel: 1, note: 36, velocity: 0, on: false }],
    ],
    ['pitch bend low', bend(1, 0), [{ kind: 'pitchbend', channel: 1, raw: 0, value: 0 }]],
    ['pitch bend high', bend(16, 16383), [{ kind: 'pitchbend', channel: 16, raw: 16383, value: 1 }]],
    ['program change', program(2, 5), [{ kind: 'program', channel: 2, program: 5 }]],
    ['clock', [0xf8], []],
    ['active sensing', [0xfe], []],
    ['sysex', [0xf0, 0x7e, 0x7f, 0x06, 0x01, 0xf7], []],
    ['channel aftertouch', [0xd0, 40], []],
    ['a stray data byte', [0x40, 0x40], []],
    ['empty', [], []],
  ];
  it.each(cases)('%s', (_name, bytes, expected) => {
    expect(new MidiAssembler().feed(bytes)).toEqual(expected);
  });

  it('pitch bend centre is 8192', () => {
    expect(new MidiAssembler().feed([0xe0, 0, 64])[0]).toMatchObject({ raw: 8192 });
  });
});
