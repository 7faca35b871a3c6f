import { describe, expect, it } from 'vitest';
import { AudioAnalyser } from './analyser';

const SR = 48_000;

function tone(frequency: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * SR));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / SR);
  return out;
}

describe('AudioAnalyser', () => {
  it.each([
    [60, 'low'],
    [700, 'mid'],
    [8000, 'high'],
  ] as const)('a %d Hz tone fills the %s band and leaves the others low', (frequency, band) => {
    const a = new AudioAnalyser({ sampleRate: SR });
    a.feed(tone(frequency, 1));
    const f = a.features();
    // -6 dBFS on a -60 dB floor reads 0.9.
    expect(f.level).toBeCloseTo(0.9, 1);
    expect(f[band]).toBeGreaterThan(0.8);
    for (const other of (['low', 'mid', 'high'] as const).filter((b) => b !== band)) {
      expect(f[other]).toBeLessThan(f[band] - 0.2);
    }
  });

  it('reads silence as 0 and counts one onset per click', () => {
    const a = new AudioAnalyser({ sampleRate: SR });
    a.feed(new Float32Array(SR));
    expect(a.features()).toEqual({ level: 0, low: 0, mid: 0, high: 0, onset: 0 });
    // Four short bursts half a second apart, over a quiet hiss.
    const signal = new Float32Array(2 * SR);
    let seed = 3;
    for (let i = 0; i < signal.length; i++) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      signal[i] = (seed / 2 ** 32 - 0.5) * 0.002;
    }
    for (let k = 0; k < 4; k++) {
      const at = Math.round((0.25 + 0.5 * k) * SR);
      for (let i = 0; i < 480; i++) signal[at + i] = 0.8 * Math.sin((2 * Math.PI * 150 * i) / SR);
    }
    a.feed(signal);
    expect(a.onsets).toBe(4);
    expect(a.time).toBeCloseTo(3, 2);
  });
});
