import { createClock } from './engine/clock';
import type { ClockKind } from './engine/clock';
import { Engine } from './engine/engine';
import { PipelineHost } from './engine/host';
import { PipelineRegistry } from './engine/registry';
import type { PipelineDefinition } from './engine/pipeline';
import { ParamStore } from './params/store';
import { OrtRuntime } from './runtime/ort';
import { CommandRegistry } from './server/commands';
import { EventBus } from './server/events';
import { startHttpServer } from './server/http';
import type { HttpServer } from './server/http';
import type { ScopeServices } from './server/services';
import { builtinPipelines, defaultPipelineId, modelManifests } from '../pipelines/index';
import { ModelManager, modelRoutes } from './models';
import { PresetStore, presetRoutes } from './presets/index';
import { configDir } from './files';
import { join } from 'node:path';
import type { ModelManifest } from './models';
import type { DeviceRequest } from './runtime/providers';
import { OscService } from '../control/osc/service';
import { oscRoutes } from '../control/osc/paths';
import { OscQueryService } from '../control/oscquery/service';
import { MidiService } from '../control/midi/service';
import { midiRoutes } from '../control/midi/routes';
import type { MidiBackend } from '../control/midi/backend';
import { OutputHub } from '../outputs/hub';
import { outputRoutes } from '../outputs/routes';
import { WhepOutput } from '../outputs/webrtc/whep-output';
import { whepRoutes } from '../outputs/webrtc/routes';
import { NdiOutput } from '../outputs/ndi/ndi-output';
import { SyphonOutput } from '../outputs/syphon/syphon-output';
import { SpoutOutput } from '../outputs/spout/spout-output';
import { MjpegOutput } from '../outputs/mjpeg/mjpeg-output';
import pkg from '../package.json' with { type: 'json' };

export interface ScopeOptions {
  port: number;
  host: string;
  /** Pipeline loaded at start; `null` starts with none. */
  pipeline: string | null;
  fps: number;
  width: number;
  height: number;
  clock: ClockKind;
  /** Pipelines to register; the built-in ones by default (tests add their own). */
  pipelines: PipelineDefinition[];
  log: (message: string) => void;
  /** Resolve start() only once the first pipeline has loaded (tests, bench). */
  waitForLoad: boolean;
  /** OSC UDP port; `null` turns OSC off. Left out: the HTTP port's number (UDP and TCP may share it). */
  oscPort: number | null;
  /** `host:port` targets that receive OSC feedback. */
  oscFeedback: string[];
  /** How long a bundle timetagged in the future may be held; 0 applies every bundle on arrival. */
  oscMaxAheadMs: number;
  /** OSCQuery HTTP/WebSocket port; `null` turns it off. Left out: the HTTP port + 1 (ephemeral when that is 0). */
  oscQueryPort: number | null;
  /** Advertise OSCQuery and OSC over mDNS on the local network. */
  mdns: boolean;
  /** Execution provider asked for (`--device`); `auto` picks the best this machine offers. */
  device: DeviceRequest;
  /** Model files the pipelines can download; the built-in pipelines' by default. */
  manifests: ModelManifest[];
  /** MIDI control; `false` leaves MIDI off entirely. */
  midi: boolean;
  /** MIDI inputs to open, by name (or part of one) or index; all by default. */
  midiInputs: (string | number)[] | 'all';
  /** MIDI outputs for LED/motor-fader feedback; by default those named like an open input. */
  midiOutputs: (string | number)[] | 'matching';
  /** The MIDI mappings file; `<configDir>/midi-mappings.json` by default. */
  midiMappingsFile: string | undefined;
  /** The MIDI system; easymidi (RtMidi) by default, a fake one in tests. */
  midiBackend: MidiBackend | undefined;
  /** Send NDI from the start (it announces itself on the local network, so it is off unless asked for). */
  ndi: boolean;
  /** NDI source name, also the Syphon/Spout server name. */
  ndiName: string;
  /** Syphon (macOS) and Spout (Windows) from the start. */
  syphon: boolean;
  spout: boolean;
  /** STUN/TURN servers offered to WHEP viewers; none needed on a LAN or on this machine. */
  iceServers: string[];
  /** JPEG quality of MJPEG and /api/v1/frame. */
  mjpegQuality: number;
  /** Settings (presets, MIDI mappings); `DAYDREAM_SCOPE_CONFIG_DIR` or `~/.daydream-scope` when left out. */
  configDir: string | undefined;
  /** Where model files live; `DAYDREAM_SCOPE_MODELS_DIR` or `~/.daydream-scope/models` when left out. */
  modelsDir: string | undefined;
}

export const scopeDefaults: ScopeOptions = {
  port: 8000,
  host: '127.0.0.1',
  pipeline: defaultPipelineId,
  fps: 30,
  width: 512,
  height: 512,
  clock: 'realtime',
  pipelines: builtinPipelines,
  log: (m) => console.log(m),
  waitForLoad: false,
  oscPort: 8000,
  oscFeedback: [],
  oscMaxAheadMs: 10_000,
  oscQueryPort: 8001,
  mdns: false,
  device: 'auto',
  manifests: modelManifests,
  modelsDir: undefined,
  configDir: undefined,
  // DAYDREAM_SCOPE_MIDI=off is --no-midi (the test run sets it: tests never open a real controller).
  midi: process.env.DAYDREAM_SCOPE_MIDI !== 'off',
  midiInputs: 'all',
  midiOutputs: 'matching',
  midiMappingsFile: undefined,
  midiBackend: undefined,
  ndi: false,
  ndiName: 'daydream-scope',
  syphon: false,
  spout: false,
  iceServers: [],
  mjpegQuality: 80,
};

export interface Scope {
  url: string;
  port: number;
  services: ScopeServices;
  osc: OscService | undefined;
  oscQuery: OscQueryService | undefined;
  models: ModelManager;
  runtime: OrtRuntime;
  presets: PresetStore;
  midi: MidiService | undefined;
  outputs: OutputHub;
  stop(): Promise<void>;
}

/** The composition root: builds every service and starts them in order; stop() ends them in reverse. */
export async function startScope(options: Partial<ScopeOptions> = {}): Promise<Scope> {
  const o = { ...scopeDefaults, ...options } satisfies ScopeOptions;
  const registry = new PipelineRegistry(o.pipelines);
  if (o.pipeline !== null && !registry.get(o.pipeline)) {
    throw new Error(`unknown pipeline "${o.pipeline}"; known: ${registry.ids().join(', ')}`);
  }
  const params = new ParamStore();
  const resolution = { width: o.width, height: o.height };
  const runtime = new OrtRuntime({ device: o.device, log: o.log });
  // Chosen before the first load, so the first status already names the real provider and the log says why.
  await runtime.provider();
  const host = new PipelineHost({
    registry,
    params,
    runtime,
    resolution,
    log: o.log,
  });
  const engine = new Engine({ clock: createClock(o.clock), params, host, fps: o.fps, resolution });
  const events = new EventBus();
  const commands = new CommandRegistry();
  commands.add({
    name: 'pause',
    description: 'pauses (true) or resumes (false) rendering; the outputs keep the last frame',
    arg: 'bool',
    run: (paused) => {
      engine.setPaused(paused === true);
      return { ok: true };
    },
  });
  const models = new ModelManager({
    manifests: o.manifests,
    log: o.log,
    events,
    ...(o.modelsDir === undefined ? {} : { dir: o.modelsDir }),
  });
  const presets = new PresetStore({
    path: join(o.configDir ?? configDir(), 'presets.json'),
    params,
    activePipeline: () => host.activeId ?? null,
    events,
    log: o.log,
  });
  await presets.load();
  commands.add({
    name: 'preset/recall',
    description: 'recalls a preset of the active pipeline by name, or by number (0 = the first)',
    arg: 'string-or-int',
    run: (which) => {
      const r = presets.recall(which as string | number);
      return r.ok ? { ok: true, detail: `recalled ${r.name}` } : { ok: false, reason: r.message };
    },
  });
  const services: ScopeServices = {
    version: pkg.version,
    params,
    host,
    engine,
    registry,
    log: o.log,
    events,
    commands,
  };

  const midi = o.midi
    ? new MidiService(services, {
        inputs: o.midiInputs,
        outputs: o.midiOutputs,
        mappingsFile: o.midiMappingsFile ?? join(o.configDir ?? configDir(), 'midi-mappings.json'),
        ...(o.midiBackend ? { backend: o.midiBackend } : {}),
        // Program changes that no mapping claims recall presets by position (program 0 = the first preset).
        recallPreset: (program) => {
          const result = presets.recall(program);
          if (!result.ok) o.log(`MIDI program ${program}: ${result.message}`);
        },
      })
    : undefined;

  const outputs = new OutputHub({ log: o.log, events, fps: () => engine.fps });
  const webrtc = new WhepOutput('webrtc', { iceServers: o.iceServers });
  const mjpeg = new MjpegOutput('mjpeg', { quality: o.mjpegQuality }, o.log);
  outputs
    .add(webrtc, true)
    .add(mjpeg, true)
    .add(new NdiOutput('ndi', { name: o.ndiName }), o.ndi)
    .add(new SyphonOutput('syphon', { name: o.ndiName }), o.syphon)
    .add(new SpoutOutput('spout', { name: o.ndiName }), o.spout);
  for (const { id } of outputs.list()) {
    commands.add({
      name: `output/${id}/enabled`,
      description: `switches the ${id} output on (true) or off (false)`,
      arg: 'bool',
      run: (enabled) => {
        const info = outputs.info(id);
        if (enabled === true && !info.available) return { ok: false, reason: info.reason ?? 'unavailable' };
        outputs.setEnabled(id, enabled === true).catch((err: Error) => o.log(`output ${id}: ${err.message}`));
        return { ok: true };
      },
    });
  }

  let http: HttpServer | undefined;
  try {
    http = await startHttpServer(services, {
      port: o.port,
      host: o.host,
      apiRoutes: [
        oscRoutes(services),
        modelRoutes(models),
        presetRoutes(presets),
        ...(midi ? [midiRoutes(midi)] : []),
        outputRoutes(outputs),
      ],
      rootRoutes: [whepRoutes(webrtc)],
      jpegs: mjpeg.jpegs,
      mjpeg: mjpeg.streams,
    });
  } catch (err) {
    mjpeg.close();
    await host.stop();
    throw err;
  }
  const oscPort = options.oscPort === undefined ? o.port : o.oscPort;
  const osc =
    oscPort === null
      ? undefined
      : new OscService(services, {
          host: o.host,
          port: oscPort,
          feedback: o.oscFeedback,
          maxAheadMs: o.oscMaxAheadMs,
        });
  await osc?.start();
  const queryPort = options.oscQueryPort === undefined ? (o.port === 0 ? 0 : o.port + 1) : o.oscQueryPort;
  const oscQuery =
    queryPort === null
      ? undefined
      : new OscQueryService(services, { host: o.host, port: queryPort, oscPort: osc?.port ?? 0, mdns: o.mdns });
  await oscQuery?.start();
  // Never throws: without a MIDI system it says so once and reports why in its status.
  await midi?.start();
  // A load replaces the values without change events; LEDs and motor faders catch up once it is ready.
  host.onStatus((status) => {
    if (status.state === 'ready') midi?.refreshFeedback();
  });
  // Subscribed before the loop starts, so every output sees the first frame; a failing output only logs.
  await outputs.start(engine);
  engine.start();
  const loading = o.pipeline !== null ? host.load(o.pipeline) : Promise.resolve();
  if (o.waitForLoad) await loading;

  const displayHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${displayHost}:${http.port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    port: http.port,
    services,
    osc,
    oscQuery,
    models,
    runtime,
    presets,
    midi,
    outputs,
    stop: () =>
      (stopping ??= (async () => {
        await midi?.stop();
        await oscQuery?.stop();
        await osc?.stop();
        await http.close();
        await outputs.stop();
        mjpeg.close();
        await models.close();
        await engine.stop();
        await host.stop();
        await runtime.close();
      })()),
  };
}

/** Runs until SIGINT/SIGTERM, then stops everything in order and exits; a second Ctrl-C exits at once. */
export async function runUntilSignal(scope: Scope): Promise<void> {
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      scope.services.log(`${signal}: stopping…`);
      const force = setTimeout(() => process.exit(1), 5000).unref();
      void scope.stop().then(() => {
        clearTimeout(force);
        resolve();
        process.exit(0);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
