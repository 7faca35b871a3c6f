/**
 * Timecode as the root runs it (a friend of the composition root, so it may name control/ and inputs/): the
 * timecode service of the perform room; MTC in and out through the MIDI service; LTC decoded from an audio input
 * (ffmpeg, as the audio analyser's); the routes. A source that cannot work says why in the status and the log, and
 * the show goes on without it.
 */
import { LtcDecoder } from '../control/timecode/ltc-decoder';
import { mtcOverMidi } from '../control/timecode/mtc-midi';
import { FfmpegAudioCapture, defaultAudioDevice } from '../inputs/audio/ffmpeg-audio';
import { TimecodeService, addTimecodeCommands, timecodeRoutes, timecodeServiceDefaults } from './perform';
import { noting, scopeService } from './scope-service-kit';
import type { Hono } from 'hono';
import type { MtcMidi } from '../control/timecode/mtc-midi';
import type { MidiService } from '../control/midi/service';
import type { PerformService } from './perform';
import type { TimecodeOptions } from './timecode-flags';
import type { CommandRegistry } from './kernel/commands';

export interface TimecodeSetup {
  service: TimecodeService;
  routes: Hono;
  /** The LTC audio input (`--timecode ltc`). */
  ltc: FfmpegAudioCapture | undefined;
  mtc: MtcMidi | undefined;
  stop(): Promise<void>;
}

export interface TimecodeSetupOptions {
  options: TimecodeOptions;
  perform: PerformService;
  midi: MidiService | undefined;
  clock: { now(): number; after(ms: number, fn: () => void): () => void };
  configDir: string;
  log: (message: string) => void;
  /** Where `timecode/run` and `timecode/locate` are registered (OSC, WebSocket, MCP). */
  commands?: Pick<CommandRegistry, 'add'>;
  /** How often MTC out is pumped (ms); 0 in tests that pump by hand. */
  mtcPumpMs?: number;
}

const LTC_RATE = 48_000;

export async function setupTimecode(o: TimecodeSetupOptions): Promise<TimecodeSetup> {
  const source = o.options.timecode;
  const service = new TimecodeService(o.perform, {
    source,
    dir: o.configDir,
    clock: o.clock,
    ...timecodeServiceDefaults,
  });
  await service.load();
  const midi = o.midi;
  const mtc = midi
    ? mtcOverMidi({ midi, timecode: service, clock: o.clock, out: o.options.mtcOut, pumpMs: o.mtcPumpMs ?? 4 })
    : undefined;
  if (mtc) service.mtcOut = () => mtc.reached();
  if (!midi && (source === 'mtc' || o.options.mtcOut.length > 0)) {
    o.log('Timecode: MIDI is off (--no-midi or --headless), so MTC can neither come in nor go out.');
  }
  const ltc = source === 'ltc' ? ltcInput(o, service) : undefined;
  service.reason = () => {
    if (source === 'mtc') return midi ? midi.status().reason : 'MIDI is off (--no-midi or --headless).';
    if (source === 'ltc' && ltc && !ltc.running && service.follower.heard === 0) return `LTC input: ${ltc.reason}`;
    return undefined;
  };
  ltc?.start();
  const removeCommands = o.commands ? addTimecodeCommands(o.commands, service) : () => {};
  return {
    service,
    routes: timecodeRoutes(service),
    ltc,
    mtc,
    stop: async () => {
      removeCommands();
      mtc?.stop();
      await ltc?.stop();
      await service.close();
    },
  };
}

/** LTC from an audio input: each frame decoded is dated by where it ended in the samples delivered so far. */
function ltcInput(o: TimecodeSetupOptions, service: TimecodeService): FfmpegAudioCapture {
  const decoder = new LtcDecoder(LTC_RATE);
  let total = 0;
  const device = defaultAudioDevice();
  return new FfmpegAudioCapture(
    (samples) => {
      const frames = decoder.feed(samples);
      total += samples.length;
      const now = o.clock.now();
      for (const f of frames) {
        const at = now - ((total - f.sample) / LTC_RATE) * 1000;
        service.hear({ frames: f.frames, rate: f.rate, reverse: f.reverse, at });
      }
    },
    {
      format: o.options.ltcFormat ?? device.format,
      device: o.options.ltcIn ?? device.device,
      sampleRate: LTC_RATE,
      channel: o.options.ltcChannel,
      log: (m) => o.log(`LTC ${m.charAt(0).toLowerCase()}${m.slice(1)}`),
    },
  );
}

/** Timecode: follows MTC or LTC (or runs the generator), chases cues and the timeline, sends MTC out. */
export const timecodeService = scopeService({
  name: 'timecode',
  flags: ['timecode', 'ltcIn', 'ltcFormat', 'ltcChannel', 'mtcOut'],
  needs: ['options', 'services', 'performing', 'midi', 'clock', 'configDir'],
  start: ({ options, services, performing, midi, clock, configDir }) =>
    noting(services.commands, async () => {
      const timecode = await setupTimecode({
        options,
        perform: performing.service,
        midi,
        clock,
        configDir,
        log: options.log,
        commands: services.commands,
      });
      return { routes: { api: [timecode.routes] }, provides: { timecode }, stop: () => timecode.stop() };
    }),
});
