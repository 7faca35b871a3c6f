/**
 * The root's control services (DMX, MIDI, OSC, OSCQuery) as descriptors of its service list
 * (src/scope-services.ts holds the list and the rest).
 */
import { join } from 'node:path';
import { OscService } from '../control/osc/service';
import { OscQueryService } from '../control/oscquery/service';
import { MidiService } from '../control/midi/service';
import { midiRoutes } from '../control/midi/routes';
import { setupDmx } from './dmx-setup';
import { noting, off, scopeService } from './scope-service-kit';

/** DMX in (Art-Net/sACN listeners, mappings) and the DMX output. Never throws on a port in use: says why. */
export const dmxService = scopeService({
  name: 'dmx',
  flags: ['artnet', 'sacn', 'dmxMerge', 'dmxOut', 'dmxLayout', 'host'],
  needs: ['options', 'services', 'perform', 'configDir', 'lan', 'trusted'],
  start: ({ options, services, perform, configDir, lan, trusted }) =>
    noting(services.commands, async () => {
      const dmx = await setupDmx({
        options,
        host: options.host,
        services,
        perform,
        configDir,
        timers: options.timers,
        allow: lan ? trusted : undefined,
      });
      await dmx.start();
      return {
        routes: { api: [dmx.routes] },
        provides: { dmx, moreOutputs: [{ output: dmx.output, enabled: dmx.outputOn }] },
        stop: () => dmx.stop(),
      };
    }),
});

/** MIDI control and clock; a headless node has no one at it to play a controller. Never throws without MIDI. */
export const midiService = scopeService({
  name: 'midi',
  flags: ['midi', 'headless', 'midiInputs', 'midiOutputs', 'midiClockOut', 'midiMappingsFile', 'midiBackend'],
  needs: ['options', 'services', 'perform', 'presets', 'clock', 'configDir'],
  start: ({ options: o, services, perform, presets, clock, configDir }) =>
    noting(services.commands, async () => {
      if (!o.midi || o.headless) return { provides: off('midi') };
      const midi = new MidiService(services, {
        inputs: o.midiInputs,
        outputs: o.midiOutputs,
        tempo: perform.tempo,
        clockOut: o.midiClockOut,
        now: () => clock.now(),
        timers: o.timers,
        mappingsFile: o.midiMappingsFile ?? join(configDir, 'midi-mappings.json'),
        ...(o.midiBackend ? { backend: o.midiBackend } : {}),
        // Program changes that no mapping claims recall presets by position (program 0 = the first preset).
        recallPreset: (program) => {
          const result = presets.recall(program);
          if (!result.ok) o.log(`MIDI program ${program}: ${result.message}`);
        },
      });
      await midi.start();
      return { routes: { api: [midiRoutes(midi)] }, provides: { midi }, stop: () => midi.stop() };
    }),
});

/** OSC over UDP and TCP; in LAN mode it hears the allowlisted senders only. */
export const oscService = scopeService({
  name: 'osc',
  flags: ['oscPort', 'oscFeedback', 'oscMaxAheadMs', 'oscAllow', 'host', 'port'],
  needs: ['options', 'services', 'lan'],
  start: async ({ options: o, services, lan }) => {
    const port = o.oscPort === 'auto' ? o.port : o.oscPort;
    if (port === null) return { provides: off('osc') };
    const osc = new OscService(services, {
      host: o.host,
      port,
      feedback: o.oscFeedback,
      maxAheadMs: o.oscMaxAheadMs,
      lan,
      allow: o.oscAllow,
      timers: o.timers,
    });
    await osc.start();
    return { provides: { osc }, stop: () => osc.stop() };
  },
});

/** OSCQuery (the address space over HTTP/WebSocket), advertised over mDNS in LAN mode unless headless. */
export const oscQueryService = scopeService({
  name: 'oscquery',
  flags: ['oscQueryPort', 'mdns', 'headless', 'host', 'port'],
  needs: ['options', 'services', 'guard', 'trusted', 'lan', 'osc'],
  start: async ({ options: o, services, guard, trusted, lan, osc }) => {
    const port = o.oscQueryPort === 'auto' ? (o.port === 0 ? 0 : o.port + 1) : o.oscQueryPort;
    if (port === null) return { provides: off('oscQuery') };
    const oscQuery = new OscQueryService(services, {
      host: o.host,
      port,
      oscPort: osc?.port ?? 0,
      mdns: o.headless ? false : o.mdns === 'auto' ? lan : o.mdns,
      guard,
      trusted,
    });
    await oscQuery.start();
    return { provides: { oscQuery }, stop: () => oscQuery.stop() };
  },
});
