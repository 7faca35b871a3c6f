import { createClock } from './engine/clock';
import { chainStages } from './engine/frame-stage';
import { ShowSync } from './show/show-sync';
import { joinShow, startShow, syncCues, syncTempo } from './show-setup';
import type { NatsShow } from './show-setup';
import { Engine } from './engine/engine';
import { PipelineHost } from './engine/host';
import { PipelineRegistry } from './engine/registry';
import { ParamStore } from './params/store';
import { OrtRuntime } from './runtime/ort';
import { ChildProcessTransport } from './runtime/child-transport';
import { NvidiaSmi } from './runtime/process-memory';
import { FaultPlan } from './engine/faults';
import { MemoryBudget } from './engine/memory-budget';
import { MemoryMonitor } from './engine/memory-monitor';
import { backgroundTimers } from './kernel/timers';
import { faultRoutes } from './server/api-faults';
import { CommandRegistry } from './kernel/commands';
import { EventBus } from './kernel/events';
import { RefusalCounter } from './kernel/refusals';
import { startHttpServer } from './server/http';
import { createRequestGuard } from './server/guard';
import { isLanHost, loadOrCreateToken, ownHostNames } from './server/token';
import { parseAllowlist } from '../control/osc/allowlist';
import type { HttpServer } from './server/http';
import type { ScopeServices } from './kernel/services';
import { ModelManager, modelRoutes } from './models';
import { PresetStore, presetRoutes } from './presets/index';
import { loadPlugins, pluginRoutes } from './plugins/index';
import type { PluginReport } from './plugins/index';
import { addPresetCommands } from './presets/commands';
import { configDir, modelsDir } from './files';
import { setupPreprocess } from './preprocess-setup';
import { join } from 'node:path';
import { OscService } from '../control/osc/service';
import { oscRoutes } from '../control/osc/paths';
import { OscQueryService } from '../control/oscquery/service';
import { MidiService } from '../control/midi/service';
import { midiRoutes } from '../control/midi/routes';
import { outputRoutes } from '../outputs/routes';
import { setupOutputs } from '../outputs/setup';
import type { OutputHub } from '../outputs/hub';
import { whepRoutes } from '../outputs/webrtc/routes';
import { Perform } from './perform/perform';
import { setupPerform } from './perform-setup';
import { setupDmx } from './dmx-setup';
import type { DmxSetup } from './dmx-setup';
import type { PerformSetup } from './perform-setup';
import { mjpegRoutes } from '../outputs/mjpeg/routes';
import { setupInputs } from '../inputs/setup';
import { setupMcp } from './mcp-setup';
import type { InputHub } from '../inputs/hub';
import pkg from '../package.json' with { type: 'json' };
import { scopeDefaults } from './scope-options';
import type { ScopeOptions } from './scope-options';

export { scopeDefaults };
export type { ScopeOptions };

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
  /** DMX in (Art-Net/sACN listeners, mappings) and the DMX output. */
  dmx: DmxSetup;
  outputs: OutputHub;
  inputs: InputHub;
  performing: PerformSetup;
  /** The show this node joined (`--nats`), and the sync that applies its changes; undefined when alone. */
  show: NatsShow | undefined;
  sync: ShowSync | undefined;
  /** Every plugin found, loaded or not (`GET /api/v1/plugins`). */
  plugins: PluginReport[];
  /** Listening beyond loopback: other machines need `token`. */
  lan: boolean;
  /** The LAN-mode token; undefined on loopback. */
  token: string | undefined;
  stop(): Promise<void>;
}

/** The composition root: builds every service and starts them in order; stop() ends them in reverse. */
export async function startScope(options: Partial<ScopeOptions> = {}): Promise<Scope> {
  const o = { ...scopeDefaults, ...options } satisfies ScopeOptions;
  const registry = new PipelineRegistry(o.pipelines);
  // Never throws: a plugin that cannot load is listed with its reason and the show goes on without it.
  const plugins = await loadPlugins(registry, {
    paths: o.plugins,
    search: o.pluginSearch,
    version: pkg.version,
    log: o.log,
  });
  if (o.pipeline !== null && !registry.get(o.pipeline)) {
    throw new Error(`unknown pipeline "${o.pipeline}"; known: ${registry.ids().join(', ')}`);
  }
  // LAN mode: other machines need the token, and OSC only hears the allowlisted ones (bad entries fail here).
  const lan = isLanHost(o.host);
  const oscAllow = parseAllowlist(o.oscAllow);
  const token = lan ? (o.token ?? (await loadOrCreateToken(o.configDir ?? configDir(), o.log))) : undefined;
  const params = new ParamStore();
  const resolution = { width: o.width, height: o.height };
  const runtime = new OrtRuntime({ device: o.device, log: o.log });
  // Chosen before the first load, so the first status already names the real provider and the log says why.
  await runtime.provider();
  // A node of a show runs on the show's clock and frame rate (--nats, --show).
  const show = o.nats
    ? await joinShow({ url: o.nats, creds: o.natsCreds, ca: o.natsCa, show: o.show, fps: o.fps, log: o.log })
    : undefined;
  const clock = show?.clock ?? (typeof o.clock === 'string' ? createClock(o.clock) : o.clock);
  const fps = show?.meta.fps ?? o.fps;
  // Crash isolation: each loaded pipeline's sessions in a child process of its own (README "When things go wrong").
  const isolated = () => runtime.sibling(new ChildProcessTransport({ faults: o.faultInjection, log: o.log }));
  const faults = o.faultInjection ? new FaultPlan() : undefined;
  if (faults) o.log('fault injection is on (DAYDREAM_SCOPE_FAULTS=1): POST /api/v1/faults breaks pipelines on purpose');
  const budget = new MemoryBudget(o.memoryBudget);
  let memory: MemoryMonitor | undefined = undefined; // made once the host exists; admissions before that see no sample
  const pre = setupPreprocess({ modelsDir: o.modelsDir ?? modelsDir(), now: () => clock.now(), log: o.log });
  const host = new PipelineHost({
    registry,
    params,
    runtime,
    resolution,
    clock,
    log: o.log,
    warm: o.warm,
    faults,
    ...(o.isolation === 'process' ? { runtimeFor: isolated } : {}),
    admit: (request) => budget.admit(request, memory?.snapshot() ?? null),
    loaded: (p) => memory?.loaded(p),
    preprocess: pre.factory,
  });
  memory = new MemoryMonitor({
    host,
    runtime,
    budget,
    timers: backgroundTimers,
    intervalMs: 2000,
    log: o.log,
    gpu: new NvidiaSmi(),
  });
  const events = new EventBus();
  // The perform layer runs at each frame boundary: quantised changes, fades, modulators (see perform-setup.ts).
  const perform = new Perform({
    params,
    now: () => clock.now(),
    events,
    log: o.log,
    bpm: o.bpm,
    presetValues: (name) => presets.values(name),
    pipelineMix: { hold: (id, fader) => host.holdMix(id, fader), held: () => host.heldMix() },
  });
  const sync =
    show && new ShowSync({ node: show.node, now: () => clock.now(), frameMs: 1000 / fps, params, host, log: o.log });
  const stage = sync ? chainStages(sync, perform) : perform;
  const unsyncTempo = sync && syncTempo(sync, perform.tempo);
  const engine = new Engine({ clock, params, host, fps, resolution, stage, timeline: sync });
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
  addPresetCommands(commands, presets);
  const services: ScopeServices = {
    version: pkg.version,
    params,
    host,
    engine,
    registry,
    log: o.log,
    events,
    commands,
    refusals: new RefusalCounter(),
    memory,
  };

  // A headless node has no one at it to play a controller or browse for it on the network.
  const midi =
    o.midi && !o.headless
      ? new MidiService(services, {
          inputs: o.midiInputs,
          outputs: o.midiOutputs,
          tempo: perform.tempo,
          clockOut: o.midiClockOut,
          now: () => clock.now(),
          timers: o.timers,
          mappingsFile: o.midiMappingsFile ?? join(o.configDir ?? configDir(), 'midi-mappings.json'),
          ...(o.midiBackend ? { backend: o.midiBackend } : {}),
          // Program changes that no mapping claims recall presets by position (program 0 = the first preset).
          recallPreset: (program) => {
            const result = presets.recall(program);
            if (!result.ok) o.log(`MIDI program ${program}: ${result.message}`);
          },
        })
      : undefined;

  const dmx = await setupDmx({
    options: o,
    host: o.host,
    services,
    perform,
    configDir: o.configDir ?? configDir(),
    timers: o.timers,
    allow: lan ? (address) => oscAllow.allows(address) : undefined,
  });
  const {
    hub: outputs,
    webrtc,
    mjpeg,
  } = setupOutputs({
    log: o.log,
    events,
    commands,
    fps: () => engine.fps,
    ndi: o.ndi,
    name: o.ndiName,
    syphon: o.syphon,
    spout: o.spout,
    iceServers: o.iceServers,
    mjpegQuality: o.mjpegQuality,
    whipPush: o.whipPush === undefined ? undefined : { url: o.whipPush, token: o.whipToken },
    outputs: o.outputs,
    more: [{ output: dmx.output, enabled: dmx.outputOn }],
  });
  const performing: PerformSetup = await setupPerform({
    perform,
    hub: outputs,
    commands,
    events,
    log: o.log,
    configDir: o.configDir ?? configDir(),
    activePipeline: () => host.activeId ?? null,
    link: o.link,
    audioIn: o.audioIn,
    audioFormat: o.audioFormat,
  });
  // Feedback takes the engine's own frames; the engine renders from the hub's active input; a WHIP publisher's
  // audio (the panel's microphone) drives the audio modulators.
  const inputs = await setupInputs({
    log: o.log,
    events,
    commands,
    frames: engine,
    iceServers: o.iceServers,
    whip: { onAudio: performing.feedAudio },
  });

  const guard = createRequestGuard({
    lan,
    token,
    // In LAN mode the Host header may name this machine by any of its addresses or names.
    allowedHosts: [...o.allowedHosts, ...(lan ? [o.host, ...ownHostNames()] : [])],
    corsOrigins: o.corsOrigins,
    refusals: services.refusals,
  });

  const unsyncCues = sync && syncCues(sync, performing.service);

  let draining = false;
  // What holds the node back from new work, beside its pipeline (see /health/ready).
  const notReady = () => [
    ...(draining ? ['draining: this node is stopping'] : []),
    ...(show && !show.online ? [`the show's NATS server is out of reach`] : []),
  ];
  let http: HttpServer | undefined;
  const mcp = setupMcp(services);
  try {
    http = await startHttpServer(services, {
      port: o.port,
      host: o.host,
      apiRoutes: [
        oscRoutes(services),
        modelRoutes(models),
        presetRoutes(presets),
        ...(midi ? [midiRoutes(midi)] : []),
        dmx.routes,
        outputRoutes(outputs),
        ...performing.routes,
        mjpegRoutes(mjpeg, engine),
        pre.routes,
        pluginRoutes(plugins),
        inputs.apiRoutes,
        ...(faults ? [faultRoutes(faults)] : []),
      ],
      rootRoutes: [whepRoutes(webrtc), inputs.rootRoutes],
      selfRoutes: [mcp.routes],
      mjpegClients: () => mjpeg.streams.count,
      guard,
      notReady,
      timers: o.timers,
    });
  } catch (err) {
    mjpeg.close();
    pre.close();
    await inputs.close();
    await host.stop();
    throw err;
  }
  const oscPort = o.oscPort === 'auto' ? o.port : o.oscPort;
  const osc =
    oscPort === null
      ? undefined
      : new OscService(services, {
          host: o.host,
          port: oscPort,
          feedback: o.oscFeedback,
          maxAheadMs: o.oscMaxAheadMs,
          lan,
          allow: o.oscAllow,
          timers: o.timers,
        });
  await osc?.start();
  const queryPort = o.oscQueryPort === 'auto' ? (o.port === 0 ? 0 : o.port + 1) : o.oscQueryPort;
  const oscQuery =
    queryPort === null
      ? undefined
      : new OscQueryService(services, {
          host: o.host,
          port: queryPort,
          oscPort: osc?.port ?? 0,
          mdns: o.headless ? false : o.mdns === 'auto' ? lan : o.mdns,
          guard,
          trusted: (address) => oscAllow.allows(address),
        });
  await oscQuery?.start();
  // Never throws: without a MIDI system it says so once and reports why in its status.
  await midi?.start();
  // Never throws either: a DMX port in use switches that listener off with a sentence.
  await dmx.start();
  // Subscribed before the loop starts, so every output sees the first frame; a failing output only logs.
  await outputs.start(engine);
  engine.setInput(inputs.hub);
  await inputs.hub.start();
  engine.start();
  memory.start();
  const loading = show
    ? startShow(show, sync!, host, o.pipeline)
    : o.pipeline !== null
      ? host.load(o.pipeline)
      : Promise.resolve();
  // A first pipeline its preflight refuses (its files missing) leaves the server up, blank, saying why.
  const started = loading.catch((err: Error) => o.log(`Not loading ${o.pipeline}: ${err.message}`));
  if (o.waitForLoad) await started;

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
    dmx,
    outputs,
    inputs: inputs.hub,
    performing,
    show,
    sync,
    plugins,
    lan,
    token,
    stop: () =>
      (stopping ??= (async () => {
        // The drain: not ready from now on; the frame in flight finishes and goes out; then the outputs end
        // (the WHIP session is DELETEd) and the node leaves the show; then everything else, in reverse.
        draining = true;
        await engine.stop();
        const last = engine.latest();
        await outputs.stop();
        await performing.stop();
        unsyncTempo?.();
        unsyncCues?.();
        sync?.detach();
        await show?.leave();
        o.log(
          `Drained: the last frame${last ? ` (${last.seq})` : ''} went out, outputs closed${show ? `, left show ${o.show}` : ''}.`,
        );
        await dmx.stop();
        await midi?.stop();
        await oscQuery?.stop();
        await osc?.stop();
        await mcp.close();
        await http.close();
        await inputs.close();
        mjpeg.close();
        pre.close();
        await models.close();
        memory.stop();
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
