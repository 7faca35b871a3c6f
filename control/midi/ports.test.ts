import { describe, expect, it } from 'vitest';
import { choose, deviceNames } from './ports';

describe('device names', () => {
  it('drop the ALSA client:port suffix where the name stays unique', () => {
    const names = deviceNames(['nanoKONTROL2:nanoKONTROL2 MIDI 1 24:0', 'Pad A 20:0', 'Pad A 28:0', 'IAC Bus 1']);
    expect([...names.values()]).toEqual(['nanoKONTROL2:nanoKONTROL2 MIDI 1', 'Pad A 20:0', 'Pad A 28:0', 'IAC Bus 1']);
  });
});

describe('choosing ports', () => {
  const names = ['Launch Control XL', 'nanoKONTROL2', 'IAC Bus 1'];
  const cases: [string, (string | number)[] | 'all', string[]][] = [
    ['all', 'all', names],
    ['by exact name', ['nanoKONTROL2'], ['nanoKONTROL2']],
    ['by part of the name, any case', ['launch'], ['Launch Control XL']],
    ['by index', [2, 0], ['Launch Control XL', 'IAC Bus 1']],
    ['an index out of range picks nothing', [7], []],
    ['a name that matches nothing picks nothing', ['APC40'], []],
  ];
  it.each(cases)('%s', (_name, choice, expected) => {
    expect(choose(names, choice)).toEqual(expected);
  });
});
