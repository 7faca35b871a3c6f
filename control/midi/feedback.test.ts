import { describe, expect, it } from 'vitest';
import { feedbackMessages } from './feedback';
import { mapping, testSpecs } from './test-support';
import type { ParamValue } from '../../src/params/spec';
import type { MidiMapping } from '../../src/shared/midi';

const specs = testSpecs();

describe('feedback messages', () => {
  const cases: [string, MidiMapping, ParamValue, number, number[][]][] = [
    ['CC 7-bit', mapping('level', { kind: 'cc', number: 20 }), 1, 1, [[0xb0, 20, 127]]],
    ['CC on channel 16', mapping('level', { kind: 'cc', number: 20 }), 0.5, 16, [[0xbf, 20, 64]]],
    ['CC inverted', mapping('level', { kind: 'cc', number: 20 }, { invert: true }), 1, 1, [[0xb0, 20, 0]]],
    [
      'CC own range, value beyond it',
      mapping('hue', { kind: 'cc', number: 1 }, { min: 0, max: 90 }),
      180,
      1,
      [[0xb0, 1, 127]],
    ],
    ['CC bool', mapping('freeze', { kind: 'cc', number: 64 }), true, 1, [[0xb0, 64, 127]]],
    ['CC enum', mapping('mode', { kind: 'cc', number: 3 }), 'rings', 1, [[0xb0, 3, 127]]],
    [
      '14-bit CC: MSB then LSB',
      mapping('level', { kind: 'cc14', number: 7 }),
      0.5,
      1,
      [
        [0xb0, 7, 64],
        [0xb0, 39, 0],
      ],
    ],
    [
      'NRPN: select, data MSB/LSB, null RPN',
      mapping('level', { kind: 'nrpn', number: 1025 }),
      1,
      2,
      [
        [0xb1, 99, 8],
        [0xb1, 98, 1],
        [0xb1, 6, 127],
        [0xb1, 38, 127],
        [0xb1, 101, 127],
        [0xb1, 100, 127],
      ],
    ],
    [
      'RPN',
      mapping('level', { kind: 'rpn', number: 0 }),
      0,
      1,
      [
        [0xb0, 101, 0],
        [0xb0, 100, 0],
        [0xb0, 6, 0],
        [0xb0, 38, 0],
        [0xb0, 101, 127],
        [0xb0, 100, 127],
      ],
    ],
    [
      'note on: velocity 127',
      mapping('freeze', { kind: 'note', note: 36, mode: 'toggle' }),
      true,
      10,
      [[0x99, 36, 127]],
    ],
    ['note off: velocity 0', mapping('freeze', { kind: 'note', note: 36, mode: 'toggle' }), false, 10, [[0x99, 36, 0]]],
    ['pitch bend', mapping('level', { kind: 'pitchbend' }), 0.5, 1, [[0xe0, 0, 64]]],
    ['program: enum option', mapping('mode', { kind: 'program' }), 'noise', 1, [[0xc0, 2]]],
    ['program: not an enum, nothing', mapping('level', { kind: 'program' }), 0.5, 1, []],
    ['a trigger has nothing to show', mapping('flash', { kind: 'cc', number: 1 }), true, 1, []],
  ];
  it.each(cases)('%s', (_name, m, value, channel, expected) => {
    expect(feedbackMessages(m, specs[m.param]!, value, channel)).toEqual(expected);
  });
});
