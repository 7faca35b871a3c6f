import { describe, expect, it } from 'vitest';
import { lfoValue } from './lfo';
import { ModulatorBank } from './modulator-bank';
import { p } from '../../params/spec';
import { modulatorSchema } from '../../shared/perform';
import type { LfoShape } from '../../shared/perform';

const silence = { level: 0, low: 0, mid: 0, high: 0, onset: 0 };

describe('lfoValue', () => {
  it.each([
    ['sine', 0, 0],
    ['sine', 0.25, 1],
    ['sine', 0.75, -1],
    ['triangle', 0, 0],
    ['triangle', 0.25, 1],
    ['triangle', 0.5, 0],
    ['triangle', 0.75, -1],
    ['saw', 0, -1],
    ['saw', 0.5, 0],
    ['saw', 1.25, -0.5],
    ['square', 0.1, 1],
    ['square', 0.6, -1],
  ] as [LfoShape, number, number][])('%s at %d cycles is %d', (shape, cycles, expected) => {
    expect(lfoValue(shape, cycles)).toBeCloseTo(expected, 9);
  });

  it('sample-and-hold holds one random value per cycle; smooth random glides between them', () => {
    const held = lfoValue('sample-hold', 3.1, 9);
    expect(lfoValue('sample-hold', 3.9, 9)).toBe(held);
    expect(lfoValue('sample-hold', 4.1, 9)).not.toBe(held);
    expect(Math.abs(held)).toBeLessThanOrEqual(1);
    // Smooth random passes through the held value at the start of each cycle.
    expect(lfoValue('smooth-random', 3, 9)).toBeCloseTo(held, 9);
    expect(lfoValue('smooth-random', 4, 9)).toBeCloseTo(lfoValue('sample-hold', 4, 9), 9);
  });
});

describe('ModulatorBank', () => {
  const specs = {
    zoom: p.number(1, { min: 0, max: 4 }),
    steps: p.int(4, { min: 0, max: 16 }),
    palette: p.enum('a', ['a', 'b']),
  };

  it('moves every target by offset + depth * wave of its range, in Hz or in beats, clamped', () => {
    const bank = new ModulatorBank();
    bank.put(modulatorSchema.parse({ id: 'lfo1', shape: 'sine', rate: 2, depth: 0.25, targets: ['zoom', 'palette'] }));
    bank.put(
      modulatorSchema.parse({
        id: 'lfo2',
        shape: 'square',
        rate: 4,
        rateUnit: 'beats',
        depth: 0.5,
        targets: ['steps'],
      }),
    );
    const snapshot = { zoom: 1, steps: 4, palette: 'a' };
    // 2 Hz at 0.125 s: a quarter cycle, the sine's top; 4 beats per cycle at beat 1: the square's first half.
    const { values, moved } = bank.apply(snapshot, specs, { seconds: 0.125, beat: 1, audio: silence });
    expect(values).toEqual({ zoom: 2, steps: 12, palette: 'a' });
    expect(moved).toEqual({ zoom: 2, steps: 12 });
    // At beat 3 the square is low: 4 - 8, clamped to 0. The snapshot handed in is never changed.
    expect(bank.apply(snapshot, specs, { seconds: 0.375, beat: 3, audio: silence }).values).toEqual({
      zoom: 0,
      steps: 0,
      palette: 'a',
    });
    expect(snapshot.zoom).toBe(1);
  });

  it('takes depth and rate from their parameters, and audio features as its wave', () => {
    const bank = new ModulatorBank();
    bank.put(modulatorSchema.parse({ id: 'kick', source: 'audio-low', depth: 0.1, targets: ['zoom'] }));
    const at = { seconds: 0, beat: 0, audio: { ...silence, low: 0.5 } };
    expect(bank.apply({ zoom: 1, 'kick.depth': 1 }, specs, at).moved).toEqual({ zoom: 3 });
    bank.put({ ...bank.get('kick')!, enabled: false });
    expect(bank.apply({ zoom: 1 }, specs, at).moved).toEqual({});
  });
});
