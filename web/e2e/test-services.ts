/**
 * What the e2e run injects into the server's root: MIDI over the MIDI service's fake backend, and two stand-in
 * outputs (an available NDI with a renameable name, an unavailable Spout), so every card shows and nothing real
 * is announced on the network.
 */
import { z } from 'zod';
import { FakeMidiBackend } from '../../control/midi/test-backend';
import type { Output, OutputKind } from '../../outputs/output';

export const MIDI_DEVICE = 'Launch Control XL';

function standIn(id: string, kind: OutputKind, name: string, unavailable?: string): Output<{ name: string }> {
  let options = { name: `Scope ${name}` };
  return {
    id,
    kind,
    name,
    optionsSchema: z.strictObject({ name: z.string().min(1).max(100) }).partial(),
    availability: () => (unavailable ? { available: false, reason: unavailable } : { available: true }),
    start: async () => {},
    stop: async () => {},
    accept: () => {},
    status: () => ({ clients: 1, urls: [options.name] }),
    options: () => options,
    setOptions: (patch) => {
      options = { ...options, ...patch };
    },
  };
}

/** MIDI and outputs injected into the rig's root; `backend` is where the test injects controller messages. */
export function panelServices() {
  const backend = new FakeMidiBackend();
  backend.plug(MIDI_DEVICE);
  const outputs = [
    standIn('ndi', 'ndi', 'NDI'),
    standIn('spout', 'spout', 'Spout', 'Spout needs Windows; this machine runs Linux.'),
  ];
  return { backend, outputs };
}
