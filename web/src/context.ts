/** What deep components reach without prop drilling: the server link and the MIDI service's actions. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { PanelClient } from './client';
import type { MappingPatch, MidiStatus } from './midi-types';

export interface MidiActions {
  learn(param: string): void;
  cancelLearn(): void;
  patch(id: string, patch: MappingPatch): void;
  unmap(id: string): void;
}

export interface PanelContextValue {
  client: PanelClient;
  /** null when the server has no MIDI service. */
  midi: MidiStatus | null;
  midiActions: MidiActions;
  /** Shows a short message to the performer. */
  notify(message: string): void;
}

const noop = () => {};
export const PanelContext = createContext<PanelContextValue>({
  client: { set: noop, load: noop, pause: noop },
  midi: null,
  midiActions: { learn: noop, cancelLearn: noop, patch: noop, unmap: noop },
  notify: noop,
});

export const usePanel = (): PanelContextValue => useContext(PanelContext);
