/**
 * The perform layer as the server runs it (a friend of the composition root, so it may name control/, outputs/
 * and inputs/): the PerformService with its files, commands and routes; Ableton Link; the audio input; and the
 * recorder, registered as an output of the hub.
 */
import { join } from 'node:path';
import { AudioAnalyser, PerformService, addPerformCommands, performRoutes } from './perform';
import { LinkTempoSource } from '../control/tempo/link';
import { FfmpegAudioCapture, defaultAudioDevice } from '../inputs/audio/ffmpeg-audio';
import { RecordingOutput } from '../outputs/recording/recording-output';
import { addRecordingCommand, recordingRoutes } from '../outputs/recording/routes';
import type { Hono } from 'hono';
import type { Perform } from './perform';
import type { CommandRegistry } from './kernel/commands';
import type { EventBus } from './kernel/events';
import type { OutputHub } from '../outputs/hub';

export interface PerformSetupOptions {
  perform: Perform;
  hub: OutputHub;
  commands: CommandRegistry;
  events: EventBus;
  log: (message: string) => void;
  configDir: string;
  activePipeline: () => string | null;
  /** Join the Link session from the start. */
  link: boolean;
  /** An audio device for the analyser (`default`, `hw:1`, `:0`…); null: none until asked for. */
  audioIn: string | null;
  /** ffmpeg's input format for it; the platform's by default. */
  audioFormat: string | undefined;
}

export interface PerformSetup {
  service: PerformService;
  link: LinkTempoSource;
  audio: FfmpegAudioCapture;
  recorder: RecordingOutput;
  routes: Hono[];
  /**
   * Audio from elsewhere (the panel's microphone over WHIP), mono -1..1 at `sampleRate`: it drives the audio
   * modulators while the audio device (`--audio-in`, `/scope/audio/input`) is not listening.
   */
  feedAudio(samples: Float32Array, sampleRate: number): void;
  stop(): Promise<void>;
}

/** Builds and starts the perform layer; the engine must have `o.perform` as its frame stage. */
export async function setupPerform(o: PerformSetupOptions): Promise<PerformSetup> {
  const { perform } = o;
  perform.start();
  const service = new PerformService(perform, {
    dir: o.configDir,
    activePipeline: o.activePipeline,
    wallClock: () => new Date(),
  });
  await service.load();
  const removeCommands = addPerformCommands(o.commands, service);

  const link = new LinkTempoSource(perform.tempo, {
    quantum: perform.tempo.beatsPerBar,
    log: o.log,
    changed: (state) => {
      perform.link = state;
      o.events.emit('tempo', perform.tempoState());
    },
  });
  perform.link = link.status();
  let analyser = new AudioAnalyser();
  // The analyser's filters are made for one rate: audio at another rate gets an analyser of its own.
  const feed = (samples: Float32Array, sampleRate: number) => {
    if (analyser.sampleRate !== sampleRate) {
      analyser = new AudioAnalyser({ sampleRate });
      perform.attachAudio(analyser);
    }
    analyser.feed(samples);
  };
  const device = defaultAudioDevice();
  const audio: FfmpegAudioCapture = new FfmpegAudioCapture((samples) => feed(samples, audio.sampleRate), {
    format: o.audioFormat ?? device.format,
    device: o.audioIn ?? device.device,
    log: o.log,
  });
  perform.attachAudio(analyser);
  const recorder = new RecordingOutput('recording', {
    dir: join(o.configDir, 'recordings'),
    changed: (state) => o.events.emit('recording', state),
  });
  o.hub.add(recorder, false);
  const removals = [
    removeCommands,
    addRecordingCommand(o.commands, o.hub, recorder, o.log),
    o.commands.add({
      name: 'link',
      description: 'joins (true) or leaves (false) the Ableton Link session',
      arg: 'bool',
      run: (on) => {
        const status = link.status();
        if (on === true && !status.available) return { ok: false, reason: status.reason ?? 'Link is unavailable' };
        (on === true ? link.enable() : link.disable()).catch((err: Error) => o.log(`Link: ${err.message}`));
        return { ok: true };
      },
    }),
    o.commands.add({
      name: 'audio/input',
      description: `listens to the audio device (${audio.source}) for audio modulators`,
      arg: 'bool',
      run: (on) => {
        if (on !== true) {
          void audio.stop();
          return { ok: true, detail: 'off' };
        }
        audio.start();
        // No ffmpeg to run is known at once; a device that fails to open says so later, through the log.
        if (!audio.running) return { ok: false, reason: audio.reason ?? 'audio input could not start' };
        return { ok: true, detail: `listening to ${audio.source}` };
      },
    }),
  ];
  if (o.link) await link.enable();
  if (o.audioIn !== null) audio.start();
  return {
    service,
    link,
    audio,
    recorder,
    routes: [...performRoutes(service), recordingRoutes(o.hub, recorder)],
    // The audio device, when it listens, wins over a publisher's microphone.
    feedAudio: (samples, sampleRate) => !audio.running && feed(samples, sampleRate),
    stop: async () => {
      for (const remove of removals) remove();
      await Promise.all([link.disable(), audio.stop()]);
      perform.stop();
      await service.close();
    },
  };
}
