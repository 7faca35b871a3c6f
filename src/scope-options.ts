/** What `startScope` takes: the server flags, with the defaults of a plain `daydream-scope`. */
import { scopeEnv } from './flag-env';
import { totalmem } from 'node:os';
import type { Clock, ClockKind } from './engine/clock';
import { realTimers } from './kernel/timers';
import { faultsEnabled } from './engine/faults';
import type { Timers } from './kernel/timers';
import type { PipelineDefinition } from './engine/pipeline';
import type { ModelManifest } from './models';
import type { DeviceRequest } from './runtime/providers';
import { defaultPluginSearch } from './plugins/index';
import type { MidiBackend } from '../control/midi/backend';
import { dmxDefaults } from './dmx-flags';
import type { DmxOptions } from './dmx-flags';
import { timecodeDefaults } from './timecode-flags';
import { outputDelayDefaults } from './output-delay-flags';
import type { OutputDelayOptions } from './output-delay-flags';
import type { TimecodeOptions } from './timecode-flags';
import type { Output } from '../outputs/output';
import { builtinPipelines, defaultPipelineId, modelExports, modelManifests } from '../pipelines/index';
import type { ExportManifest } from './models/exports';

export interface ScopeOptions extends DmxOptions, TimecodeOptions, OutputDelayOptions {
  port: number;
  host: string;
  /** Pipeline loaded at start; `null` starts with none. */
  pipeline: string | null;
  fps: number;
  width: number;
  height: number;
  /** The frame clock, by kind; tests pass a clock of their own (a ManualClock they tick). */
  clock: ClockKind | Clock;
  /** Wall time of the services (/ws stats, OSC bundles and feedback, MIDI learn); tests pass ManualTimers. */
  timers: Timers;
  /** Pipelines to register; the built-in ones by default (tests add their own). */
  pipelines: PipelineDefinition[];
  /** Pipeline plugins to load (`--plugin`): module files or folders, relative to the current directory. */
  plugins: string[];
  /** node_modules folders whose packages may declare pipelines in package.json (docs/pipelines.md "Plugins"). */
  pluginSearch: string[];
  log: (message: string) => void;
  /** Resolve start() only once the first pipeline has loaded (tests, bench). */
  waitForLoad: boolean;
  /** OSC UDP port; `null` turns OSC off; `auto` is the HTTP port's number (UDP and TCP may share it). */
  oscPort: number | null | 'auto';
  /** `host:port` targets that receive OSC feedback. */
  oscFeedback: string[];
  /** How long a bundle timetagged in the future may be held; 0 applies every bundle on arrival. */
  oscMaxAheadMs: number;
  /** OSCQuery HTTP/WebSocket port; `null` turns it off; `auto` is the HTTP port + 1 (ephemeral when that is 0). */
  oscQueryPort: number | null | 'auto';
  /** Advertise OSCQuery and OSC over mDNS: `auto` does in LAN mode only. */
  mdns: boolean | 'auto';
  /** Further names the Host header may carry (`--allowed-host`), e.g. a DNS name of this machine. */
  allowedHosts: string[];
  /** Exact origins of players on other sites that may use the API and WHEP (`--cors-origin`). */
  corsOrigins: string[];
  /** The LAN-mode token (`--token`); made and kept in the config dir when left out. */
  token: string | undefined;
  /** OSC senders trusted in LAN mode (`--osc-allow`: addresses or CIDR ranges); loopback always. */
  oscAllow: string[];
  /** Execution provider asked for (`--device`); `auto` picks the best this machine offers. */
  device: DeviceRequest;
  /**
   * Where each pipeline's onnxruntime sessions run (`--isolation`): `process`, a child process of its own (a native
   * crash, a hang or an out-of-memory there cannot take the server down), or `worker`, a thread of the server.
   */
  isolation: 'process' | 'worker';
  /** Pipelines kept loaded after a switch away, for an instant switch back (`--warm`). */
  warm: number;
  /** The frame interpolation graph (`--interpolator`): auto, tiny, stand-in or a path. */
  interpolationModel: string;
  /** Bytes the server and its pipelines' processes may hold together (`--memory-budget`); null: no budget. */
  memoryBudget: number | null;
  /** The fault-injection seam (tests and the soak bench; env DAYDREAM_SCOPE_FAULTS=1, never a flag). */
  faultInjection: boolean;
  /** Model files the pipelines can download; the built-in pipelines' by default. */
  manifests: ModelManifest[];
  /** Model files only an exporter makes (ControlNets), listed beside the downloads. */
  exports: ExportManifest[];
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
  /** A WHIP endpoint (an SFU's ingest) to push the output to from the start (`--whip-push`). */
  whipPush: string | undefined;
  /** Its bearer token (`--whip-token`, env DAYDREAM_SCOPE_WHIP_TOKEN). */
  whipToken: string | undefined;
  /** A NATS server (`nats://host:4222`): this node joins the show `show` there (`--nats`). */
  nats: string | undefined;
  /** A NATS credentials file or NKey seed file (`--nats-creds`). */
  natsCreds: string | undefined;
  /** The CA of the NATS server's TLS certificate (`--nats-ca`). */
  natsCa: string | undefined;
  /** The show's name (`--show`): nodes of one show apply every change on the same frame. */
  show: string;
  /** Tempo at start (bpm); MIDI clock, Link, tap and OSC move it from there. */
  bpm: number;
  /** Join the Ableton Link session at start. */
  link: boolean;
  /** MIDI outputs that receive MIDI clock (names or parts of names); none by default. */
  midiClockOut: (string | number)[];
  /** An audio device analysed for audio modulators (`default`, `hw:1`, `:0`); null: off until asked for. */
  audioIn: string | null;
  /** ffmpeg's input format for `audioIn` (pulse, alsa, avfoundation, dshow); the platform's when left out. */
  audioFormat: string | undefined;
  /** Outputs injected by a caller (tests, stand-ins): each replaces the built-in output of its id, or is added. */
  outputs: Output[];
  /** A render node without a person at it (`--headless`): no panel build, no MIDI, no mDNS. */
  headless: boolean;
  /** How the command writes its log (`--log-format`): lines of text, or one JSON object a line. */
  logFormat: 'text' | 'json';
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
  timers: realTimers,
  pipelines: builtinPipelines,
  plugins: [],
  pluginSearch: defaultPluginSearch(),
  log: (m) => console.log(m),
  waitForLoad: false,
  oscPort: 'auto',
  oscFeedback: [],
  oscMaxAheadMs: 10_000,
  oscQueryPort: 'auto',
  mdns: 'auto',
  allowedHosts: [],
  corsOrigins: [],
  token: undefined,
  oscAllow: [],
  device: 'auto',
  isolation: 'process',
  warm: 1,
  interpolationModel: 'auto',
  memoryBudget: Math.round(totalmem() * 0.75),
  faultInjection: faultsEnabled(),
  manifests: modelManifests,
  exports: modelExports,
  modelsDir: undefined,
  configDir: undefined,
  // DAYDREAM_SCOPE_MIDI=off is --no-midi (the test run sets it: tests never open a real controller).
  midi: scopeEnv('DAYDREAM_SCOPE_MIDI') !== 'off',
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
  whipPush: undefined,
  whipToken: undefined,
  nats: undefined,
  natsCreds: undefined,
  natsCa: undefined,
  show: 'main',
  bpm: 120,
  link: false,
  midiClockOut: [],
  audioIn: null,
  audioFormat: undefined,
  outputs: [],
  headless: false,
  ...dmxDefaults,
  ...timecodeDefaults,
  ...outputDelayDefaults,
  logFormat: 'text',
};
