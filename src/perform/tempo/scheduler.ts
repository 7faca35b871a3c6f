/**
 * Changes waiting for a beat. The engine's frame stage calls due() at each frame boundary with that frame's beat;
 * everything aimed at or before it runs then, in the order it arrived, so a quantised change lands exactly on the
 * first frame at or after its beat.
 */
import { nextBoundary } from './quantize';
import type { Quantize } from '../../shared/perform';

interface Entry {
  at: number;
  quantize: Quantize;
  seq: number;
  what: string;
  run: () => void;
}

export class QuantizeScheduler {
  private entries: Entry[] = [];
  private seq = 0;

  /** Queues `run` for beat `at`; returns its cancel. */
  schedule(at: number, quantize: Quantize, what: string, run: () => void): () => void {
    const entry: Entry = { at, quantize, seq: this.seq++, what, run };
    this.entries.push(entry);
    this.entries.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return () => {
      this.entries = this.entries.filter((e) => e !== entry);
    };
  }

  /** Runs every entry due at `beat`; a failing entry is reported and the others still run. */
  due(beat: number, report: (what: string, err: unknown) => void = () => {}): number {
    let ran = 0;
    while (this.entries.length > 0 && this.entries[0]!.at <= beat + 1e-9) {
      const entry = this.entries.shift()!;
      ran++;
      try {
        entry.run();
      } catch (err) {
        report(entry.what, err);
      }
    }
    return ran;
  }

  /** The clock jumped (a MIDI Start, a restart): each waiting change aims at its next boundary from `beat`. */
  retarget(beat: number, beatsPerBar: number): void {
    for (const e of this.entries) e.at = nextBoundary(beat, e.quantize, beatsPerBar);
    this.entries.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  get pending(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }
}
