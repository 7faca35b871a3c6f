/** Helpers for the panel's component tests: a fake server link that records what the panel sends. */
import { PanelContext } from './context';
import type { ComponentChildren } from 'preact';
import type { ParamValue } from '../../src/shared/api';
import type { MidiActions, PanelContextValue } from './context';
import type { MappingPatch, MidiStatus } from './midi-types';

export interface Recorded {
  sets: [string, ParamValue][];
  loads: string[];
  pauses: boolean[];
  midi: ['learn' | 'cancel' | 'patch' | 'unmap', unknown?, MappingPatch?][];
  notes: string[];
}

export function fakePanel(midi: MidiStatus | null = null): { ctx: PanelContextValue; rec: Recorded } {
  const rec: Recorded = { sets: [], loads: [], pauses: [], midi: [], notes: [] };
  const midiActions: MidiActions = {
    learn: (param) => rec.midi.push(['learn', param]),
    cancelLearn: () => rec.midi.push(['cancel']),
    patch: (id, patch) => rec.midi.push(['patch', id, patch]),
    unmap: (id) => rec.midi.push(['unmap', id]),
  };
  const ctx: PanelContextValue = {
    client: {
      set: (name, value) => rec.sets.push([name, value]),
      load: (id) => rec.loads.push(id),
      pause: (p) => rec.pauses.push(p),
    },
    midi,
    midiActions,
    notify: (m) => rec.notes.push(m),
  };
  return { ctx, rec };
}

export function WithPanel({ ctx, children }: { ctx: PanelContextValue; children: ComponentChildren }) {
  return <PanelContext.Provider value={ctx}>{children}</PanelContext.Provider>;
}

export const midiStatus = (over: Partial<MidiStatus> = {}): MidiStatus => ({
  available: true,
  inputs: [{ name: 'Launch Control XL', open: true }],
  outputs: [],
  learning: null,
  mappings: [],
  received: 0,
  errors: 0,
  ...over,
});
