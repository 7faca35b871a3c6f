/**
 * The optional services mounted beside the panel in the e2e run: MIDI over the MIDI service's fake backend, and an
 * output hub with two stand-in outputs (one available with a renameable NDI name, one not), so every card shows.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { FakeMidiBackend } from '../../control/midi/fake-backend';
import { midiRoutes } from '../../control/midi/routes';
import { MidiService } from '../../control/midi/service';
import { OutputHub } from '../../outputs/hub';
import { outputRoutes } from '../../outputs/routes';
import type { Output, OutputKind } from '../../outputs/output';
import type { ExtraRoutes } from './harness';

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

/** MIDI and outputs for the rig; `backend` is where the test injects controller messages. */
export function panelServices() {
  const backend = new FakeMidiBackend();
  backend.plug(MIDI_DEVICE);
  const extra: ExtraRoutes = async (services, configDir) => {
    const midi = new MidiService(services, {
      backend,
      mappingsFile: join(configDir, 'midi-mappings.json'),
      rescanMs: 0,
    });
    await midi.start();
    const hub = new OutputHub({ log: services.log, events: services.events, fps: () => 20 });
    hub.add(standIn('ndi', 'ndi', 'NDI'), true);
    hub.add(standIn('spout', 'spout', 'Spout', 'Spout needs Windows; this machine runs Linux.'));
    await hub.start(services.engine);
    return {
      routes: [midiRoutes(midi), outputRoutes(hub)],
      stop: async () => {
        await hub.stop();
        await midi.stop();
      },
    };
  };
  return { backend, extra };
}
