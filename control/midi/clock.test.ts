import { afterEach, describe, expect, it } from 'vitest';
import { rig } from './test-support';
import { TempoClock } from '../../src/perform';
import type { Rig } from './test-support';

const rigs: Rig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

/** A seeded generator, so the jitter is the same on every run. */
function jitter(seed: number, amplitudeMs: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * amplitudeMs;
  };
}

async function clockRig(extra: Parameters<typeof rig>[0] = {}) {
  let now = 1000;
  const tempo = new TempoClock({ now: () => now, bpm: 100 });
  const r = await rig({ tempo, now: () => now, devices: ['Sync', 'Pad'], ...extra });
  rigs.push(r);
  return { r, tempo, at: (t: number) => (now = t) };
}

describe('MIDI clock in', () => {
  it('finds the tempo and the phase of jittery 24 ppqn ticks after a Start', async () => {
    const { r, tempo, at } = await clockRig();
    const bpm = 128;
    const tickMs = 60_000 / (bpm * 24);
    const noise = jitter(7, 3);
    const start = 5000;
    r.backend.inject('Sync', [0xfa]);
    for (let i = 0; i < 24 * 8; i++) {
      at(start + i * tickMs + noise());
      r.backend.inject('Sync', [0xf8]);
    }
    expect(tempo.source).toBe('midi');
    expect(tempo.bpm).toBeCloseTo(bpm, 0);
    expect(Math.abs(tempo.bpm - bpm)).toBeLessThan(0.3);
    // On the true grid the clock reads whole beats: beat 8 falls at start + 8 beats, whatever the jitter was.
    const beat8 = start + 8 * 24 * tickMs;
    expect(Math.abs(tempo.beatAt(beat8) - 8)).toBeLessThan(0.01);
    // Clock messages are no control messages: no mapping sees them.
    expect(r.service.status().received).toBe(0);
  });

  it('follows Song Position and Continue, and Stop stops the clock', async () => {
    const { r, tempo, at } = await clockRig();
    const tickMs = 60_000 / (120 * 24);
    // Sixteenth 32 is beat 8; the next tick plays it.
    r.backend.inject('Sync', [0xf2, 32, 0], [0xfb]);
    for (let i = 0; i < 48; i++) {
      at(10_000 + i * tickMs);
      r.backend.inject('Sync', [0xf8]);
    }
    expect(tempo.bpm).toBeCloseTo(120, 3);
    expect(tempo.beatAt(10_000)).toBeCloseTo(8, 3);
    expect(tempo.playing).toBe(true);
    r.backend.inject('Sync', [0xfc]);
    expect(tempo.playing).toBe(false);
  });
});

describe('MIDI clock out', () => {
  it('sends Start, 24 ticks per beat, and Stop, to the chosen outputs only', async () => {
    const { r, tempo, at } = await clockRig({ clockOut: ['Pad'] });
    tempo.setBpm(120, 'internal', 1000);
    tempo.restart(1000);
    r.backend.take('Pad');
    // The timer pumps every few milliseconds; so does the test, on its own clock.
    for (let t = 1000; t <= 3000; t += 5) {
      at(t);
      r.service.pumpClock(t);
    }
    const sent = r.backend.take('Pad');
    expect(sent[0]).toEqual([0xfa]);
    // Two seconds at 120 bpm: four beats, 96 ticks, plus the one on the downbeat.
    expect(sent.slice(1).filter((m) => m[0] === 0xf8)).toHaveLength(97);
    expect(r.backend.take('Sync')).toEqual([]);
    tempo.setPlaying(false);
    r.service.pumpClock(3100);
    expect(r.backend.take('Pad')).toEqual([[0xfc]]);
  });
});
