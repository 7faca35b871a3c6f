import { describe, expect, it } from 'vitest';
import { MidiAssembler } from './assembler';
import { LearnMatcher } from './learn';
import { bend, cc, noteOff, noteOn, program } from './test-support';
import type { Learned } from './learn';
import type { MidiControl } from '../../src/shared/midi';

/** Feeds raw messages from one device through an assembler into a matcher; the first result, or the flush. */
function learn(messages: number[][], { flush = false, prior = [] as number[][] } = {}): Learned | undefined {
  const assembler = new MidiAssembler();
  for (const m of prior) assembler.feed(m);
  const matcher = new LearnMatcher('toggle');
  for (const m of messages) {
    for (const event of assembler.feed(m)) {
      const learned = matcher.feed('Pad', event);
      if (learned) return learned;
    }
  }
  return flush ? matcher.flush() : undefined;
}

describe('learn picks the control that moved', () => {
  const cases: [string, number[][], boolean, MidiControl | undefined, number?][] = [
    ['a CC above 31 at once', [cc(1, 74, 10)], false, { kind: 'cc', number: 74 }],
    ['a CC 0-31 waits for a possible LSB', [cc(1, 7, 10)], false, undefined],
    ['... and is a 7-bit CC when nothing follows', [cc(1, 7, 10)], true, { kind: 'cc', number: 7 }],
    ['... or when it moves again alone', [cc(1, 7, 10), cc(1, 7, 11)], false, { kind: 'cc', number: 7 }],
    ['an MSB followed by its LSB is a 14-bit pair', [cc(1, 7, 10), cc(1, 39, 3)], false, { kind: 'cc14', number: 7 }],
    ['an LSB on another channel is not its pair', [cc(1, 7, 10), cc(2, 39, 3)], false, { kind: 'cc', number: 7 }],
    ['something else after the MSB: a 7-bit CC', [cc(1, 7, 10), noteOn(1, 3)], false, { kind: 'cc', number: 7 }],
    ['NRPN', [cc(1, 99, 8), cc(1, 98, 1), cc(1, 6, 64), cc(1, 38, 0)], false, { kind: 'nrpn', number: 1025 }],
    ['NRPN by increment', [cc(1, 99, 0), cc(1, 98, 3), cc(1, 96, 1)], false, { kind: 'nrpn', number: 3 }],
    ['RPN', [cc(1, 101, 0), cc(1, 100, 1), cc(1, 6, 64)], false, { kind: 'rpn', number: 1 }],
    ['a note on', [noteOn(10, 36)], false, { kind: 'note', note: 36, mode: 'toggle' }],
    ['a note off alone is not a move', [noteOff(1, 36)], true, undefined],
    ['pitch bend', [bend(1, 9000)], false, { kind: 'pitchbend' }],
    ['program change', [program(1, 3)], false, { kind: 'program' }],
    ['clock, active sensing and sysex are ignored', [[0xf8], [0xfe], [0xf0, 1, 0xf7]], true, undefined],
  ];
  it.each(cases)('%s', (_name, messages, flush, control) => {
    const learned = learn(messages, { flush });
    expect(learned?.control).toEqual(control);
  });

  it('reports the device and channel', () => {
    expect(learn([noteOn(10, 36)])).toEqual({
      device: 'Pad',
      channel: 10,
      control: { kind: 'note', note: 36, mode: 'toggle' },
    });
  });

  it('binds a 14-bit pair at once when the pair has sent an LSB before', () => {
    expect(learn([cc(1, 1, 20)], { prior: [cc(1, 1, 0), cc(1, 33, 5)] })?.control).toEqual({ kind: 'cc14', number: 1 });
  });
});
