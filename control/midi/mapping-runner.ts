/**
 * The mappings at work: each control event goes through every mapping that listens to it (mapping.ts decides) into
 * the ParamStore, with soft takeover and edge state kept per mapping and device. A program change no mapping claims
 * recalls a preset.
 */
import { applyEvent, initialState, matches } from './mapping';
import type { ControlEvent } from './assembler';
import type { MappingState } from './mapping';
import type { MidiOptions } from './options';
import type { MidiMapping } from '../../src/shared/midi';
import type { ParamStore } from '../../src/params/store';

/** What a mapping remembers of one device, and the channel that device last used it on (for feedback). */
export type DeviceState = MappingState & { channel: number };

export interface MappingRunnerDeps {
  params: Pick<ParamStore, 'spec' | 'get' | 'set'>;
  mappings: () => MidiMapping[];
  recallPreset: MidiOptions['recallPreset'];
  /** A write refused or a preset that failed: counted and logged, at a limited rate. */
  problem: (kind: string, message: string) => void;
}

const keyOf = (id: string, device: string) => `${id}\u0000${device}`;

export class MappingRunner {
  private readonly states = new Map<string, DeviceState>();

  constructor(private readonly o: MappingRunnerDeps) {}

  /** Applies `event` from `device` to every mapping that listens to it. */
  dispatch(device: string, event: ControlEvent): void {
    let claimed = false;
    for (const m of this.o.mappings()) {
      if (!matches(m, device, event)) continue;
      // A mapping whose parameter is not in the active pipeline is kept but does nothing.
      const spec = this.o.params.spec(m.param);
      if (!spec) continue;
      claimed = true;
      const key = keyOf(m.id, device);
      const state = this.states.get(key) ?? { ...initialState(), channel: event.channel };
      const [outcome, next] = applyEvent(m, spec, event, this.o.params.get(m.param), state);
      const kept = { ...next, channel: event.channel };
      if (outcome.kind === 'set') {
        const quantize = m.quantize === undefined ? {} : { quantize: m.quantize };
        const result = this.o.params.set(m.param, outcome.value, `midi:${device}`, quantize);
        if (result.ok) kept.written = result.value;
        else this.o.problem('rejected', `MIDI: ${device} -> ${m.param}: ${result.reason}`);
      }
      this.states.set(key, kept);
    }
    if (event.kind === 'program' && !claimed && this.o.recallPreset) {
      try {
        this.o.recallPreset(event.program, device);
      } catch (err) {
        this.o.problem('preset', `MIDI: recalling preset ${event.program} failed: ${(err as Error).message}`);
      }
    }
  }

  /** How `device` last used mapping `id`; undefined when it never has. */
  used(id: string, device: string): DeviceState | undefined {
    return this.states.get(keyOf(id, device));
  }

  /** Starts a changed mapping's takeover afresh; which devices used it (and on what channel) is kept for feedback. */
  forget(id: string): void {
    for (const [key, state] of this.states) {
      if (key.startsWith(keyOf(id, ''))) this.states.set(key, { ...initialState(), channel: state.channel });
    }
  }

  /** Drops everything mapping `id` remembered (it was removed). */
  drop(id: string): void {
    for (const key of this.states.keys()) if (key.startsWith(keyOf(id, ''))) this.states.delete(key);
  }

  /** Forgets every mapping's state (the mappings were replaced). */
  clear(): void {
    this.states.clear();
  }
}
