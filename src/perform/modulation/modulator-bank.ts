/**
 * Modulators applied to the engine's parameter snapshot at each frame boundary. The store keeps the performer's
 * values; the frame gets them moved by the waves. Each modulator's depth and rate are parameters of their own
 * (`<id>.depth`, `<id>.rate`), so OSC, OSCQuery, MIDI and the panel reach them like any other.
 */
import { lfoValue } from './lfo';
import { p } from '../../params/spec';
import type { ParamSpec, ParamSpecs, ParamValue } from '../../params/spec';
import type { AudioFeatures, Modulator } from '../../shared/perform';

export interface ModulationInput {
  /** Seconds on the engine clock. */
  seconds: number;
  beat: number;
  audio: AudioFeatures;
}

/** The global parameters of one modulator. */
export function modulatorParams(m: Modulator): ParamSpecs {
  return {
    [`${m.id}.depth`]: p.number(m.depth, { min: 0, max: 1, group: 'modulators', label: `${m.id} depth` }),
    [`${m.id}.rate`]: p.number(m.rate, {
      min: 0,
      max: 100,
      curve: 'log',
      group: 'modulators',
      label: `${m.id} rate`,
      unit: m.rateUnit === 'hz' ? 'Hz' : 'beats',
    }),
  };
}

/** The wave of `m` now, -1..1 (LFOs) or 0..1 (audio features). */
export function modulatorWave(m: Modulator, rate: number, at: ModulationInput, seed: number): number {
  switch (m.source) {
    case 'lfo': {
      const cycles = m.rateUnit === 'hz' ? at.seconds * rate : rate > 0 ? at.beat / rate : 0;
      return lfoValue(m.shape, cycles + m.phase, seed);
    }
    case 'audio-level':
      return at.audio.level;
    case 'audio-low':
      return at.audio.low;
    case 'audio-mid':
      return at.audio.mid;
    case 'audio-high':
      return at.audio.high;
    case 'audio-onset':
      return at.audio.onset;
  }
}

const isNumeric = (spec: ParamSpec | undefined): spec is Extract<ParamSpec, { kind: 'number' | 'int' }> =>
  spec?.kind === 'number' || spec?.kind === 'int';

export class ModulatorBank {
  private list: Modulator[] = [];

  all(): Modulator[] {
    return [...this.list];
  }

  get(id: string): Modulator | undefined {
    return this.list.find((m) => m.id === id);
  }

  /** Adds or replaces a modulator (by id), keeping its place in the list. */
  put(m: Modulator): void {
    const at = this.list.findIndex((x) => x.id === m.id);
    if (at >= 0) this.list[at] = m;
    else this.list.push(m);
  }

  remove(id: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((m) => m.id !== id);
    return this.list.length !== before;
  }

  replace(list: Modulator[]): void {
    this.list = [...list];
  }

  /**
   * The snapshot with every enabled modulator added to its targets: `(offset + depth * wave)` of each target's
   * range, summed over modulators, clamped to the range (ints rounded). Returns the moved values too.
   */
  apply(
    snapshot: Readonly<Record<string, ParamValue>>,
    specs: Readonly<ParamSpecs>,
    at: ModulationInput,
  ): { values: Record<string, ParamValue>; moved: Record<string, number> } {
    const offsets = new Map<string, number>();
    this.list.forEach((m, index) => {
      if (!m.enabled) return;
      const depth = numberOr(snapshot[`${m.id}.depth`], m.depth);
      const rate = numberOr(snapshot[`${m.id}.rate`], m.rate);
      const amount = m.offset + depth * modulatorWave(m, rate, at, index + 1);
      for (const target of m.targets) {
        if (!isNumeric(specs[target])) continue;
        offsets.set(target, (offsets.get(target) ?? 0) + amount);
      }
    });
    if (offsets.size === 0) return { values: snapshot as Record<string, ParamValue>, moved: {} };
    const values = { ...snapshot };
    const moved: Record<string, number> = {};
    for (const [target, amount] of offsets) {
      const spec = specs[target] as Extract<ParamSpec, { kind: 'number' | 'int' }>;
      const base = numberOr(snapshot[target], spec.default);
      let v = Math.min(spec.max, Math.max(spec.min, base + amount * (spec.max - spec.min)));
      if (spec.kind === 'int') v = Math.round(v);
      values[target] = v;
      moved[target] = v;
    }
    return { values, moved };
  }
}

const numberOr = (v: ParamValue | undefined, fallback: number) => (typeof v === 'number' ? v : fallback);
