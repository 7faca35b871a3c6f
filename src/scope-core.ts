/**
 * The core the root's services are started on: the pipelines (registry, plugins, runtime, host), the show's
 * clock, the frame engine with its perform stage, parameters, events, commands, models and presets, and the
 * request guard. Building it opens nothing a user could reach; the service list (src/scope-service-list.ts)
 * does that, in order. src/main.ts and the server's tests build the same core.
 */
import { join } from 'node:path';
import { createClock } from './engine/clock';
import { chainStages } from './engine/frame-stage';
import { ShowSync } from './show/show-sync';
import { joinShow } from './show-setup';
import type { NatsShow } from './show-setup';
import { Engine } from './engine/engine';
import { FrameDelayLine } from './engine/output-delay';
import { addOutputDelayCommands } from './engine/output-delay-commands';
import { OutputDelayStore } from './engine/output-delay-store';
import { PipelineHost } from './engine/host';
import type { PipelineHostOptions } from './engine/host';
import { PipelineRegistry } from './engine/registry';
import { ParamStore } from './params/store';
import { OrtRuntime } from './runtime/ort';
import { ChildProcessTransport } from './runtime/child-transport';
import { NvidiaSmi } from './runtime/process-memory';
import { FaultPlan } from './engine/faults';
import { MemoryBudget } from './engine/memory-budget';
import { MemoryMonitor } from './engine/memory-monitor';
import { backgroundTimers } from './kernel/timers';
import { CommandRegistry } from './kernel/commands';
import { EventBus } from './kernel/events';
import { RefusalCounter } from './kernel/refusals';
import { createRequestGuard } from './server/guard';
import { isLanHost, loadOrCreateToken, ownHostNames } from './server/token';
import { parseAllowlist } from '../control/osc/allowlist';
import type { Clock } from './engine/clock';
import type { ScopeServices } from './kernel/services';
import { ModelManager } from './models';
import { PresetStore } from './presets/index';
import { loadPlugins } from './plugins/index';
import type { PluginReport } from './plugins/index';
import { addPresetCommands } from './presets/commands';
import { configDir, modelsDir } from './files';
import { setupPreprocess } from './preprocess-setup';
import type { PreprocessSetup } from './preprocess-setup';
import { interpolatorFor } from './engine/interpolation/choose-model';
import type { FrameInterpolator } from './engine/interpolation/interpolator';
import { Perform } from './perform';
import pkg from '../package.json' with { type: 'json' };
import type { ScopeOptions } from './scope-options';

export interface ScopeCore {
  options: ScopeOptions;
  /** The settings folder: `--config-dir`, else its environment variable, else `~/.daydream-scope`. */
  configDir: string;
  services: ScopeServices;
  registry: PipelineRegistry;
  plugins: PluginReport[];
  runtime: OrtRuntime;
  host: PipelineHost;
  engine: Engine;
  /** The output delay: every output reads the engine's frames through it (src/engine/output-delay.ts). */
  outputDelay: FrameDelayLine;
  /** The output delay's setting in `output-delay.json`, kept across restarts (`--output-delay` wins at start). */
  outputDelayStore: OutputDelayStore;
  /** Makes the frames between rendered ones (`interpolate`); closed after the host, before the runtime. */
  interpolator: FrameInterpolator & { close(): Promise<void> };
  /** The pre-processor chain's factory (given to the host), its conditioning picture and that picture's routes. */
  pre: PreprocessSetup;
  clock: Clock;
  memory: MemoryMonitor;
  faults: FaultPlan | undefined;
  perform: Perform;
  models: ModelManager;
  presets: PresetStore;
  /** The show this node joined (`--nats`), and the sync that applies its changes; both undefined when alone. */
  show: NatsShow | undefined;
  sync: ShowSync | undefined;
  /** Listening beyond loopback: other machines need `token`, OSC and DMX hear the allowlisted senders only. */
  lan: boolean;
  token: string | undefined;
  trusted: (address: string) => boolean;
  guard: ReturnType<typeof createRequestGuard>;
  /** What holds the node back from new work, beside its pipeline (see /health/ready). */
  notReady: () => string[];
  /** From now on the node says it is draining (the stop's first step). */
  beginDrain: () => void;
}

/** What tests may put in place of the real thing: the memory budget's admission (src/server/pipeline-load.test.ts). */
export interface CoreSeams {
  admit?: PipelineHostOptions['admit'];
}

export async function buildCore(o: ScopeOptions, seams: CoreSeams = {}): Promise<ScopeCore> {
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
  const settings = o.configDir ?? configDir();
  // LAN mode: other machines need the token, and OSC only hears the allowlisted ones (bad entries fail here).
  const lan = isLanHost(o.host);
  const oscAllow = parseAllowlist(o.oscAllow);
  const token = lan ? (o.token ?? (await loadOrCreateToken(settings, o.log))) : undefined;
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
  // Crash isolation: each loaded pipeline's sessions in a child process of its own (docs "When things go wrong").
  const isolated = () => runtime.sibling(new ChildProcessTransport({ faults: o.faultInjection, log: o.log }));
  const faults = o.faultInjection ? new FaultPlan() : undefined;
  if (faults) o.log('fault injection is on (DAYDREAM_SCOPE_FAULTS=1): POST /api/v1/faults breaks pipelines on purpose');
  const budget = new MemoryBudget(o.memoryBudget);
  // The host and its memory monitor refer to each other (the monitor reads what the host has loaded, the host
  // asks the budget with the monitor's last sample): the monitor is made once the host exists, and admissions
  // before that see no sample.
  let memory: MemoryMonitor | undefined = undefined;
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
    admit: seams.admit ?? ((request) => budget.admit(request, memory?.snapshot() ?? null)),
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
  const presets = new PresetStore({
    path: join(settings, 'presets.json'),
    params,
    activePipeline: () => host.activeId ?? null,
    events,
    log: o.log,
  });
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
  const interpolator = interpolatorFor({
    runtime,
    choice: o.interpolationModel,
    modelsDir: o.modelsDir ?? modelsDir(),
    log: o.log,
  });
  const engine = new Engine({ clock, params, host, fps, resolution, stage, timeline: sync, interpolator });
  const outputDelay = new FrameDelayLine(engine, { clock, tempo: perform.tempo });
  const outputDelayStore = new OutputDelayStore(outputDelay, { path: join(settings, 'output-delay.json'), log: o.log });
  await outputDelayStore.load(o.outputDelay);
  const commands = new CommandRegistry();
  addOutputDelayCommands(commands, outputDelayStore);
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
    exports: o.exports,
    log: o.log,
    events,
    ...(o.modelsDir === undefined ? {} : { dir: o.modelsDir }),
  });
  await presets.load();
  addPresetCommands(commands, presets);
  const refusals = new RefusalCounter();
  const services: ScopeServices = {
    version: pkg.version,
    params,
    host,
    engine,
    registry,
    log: o.log,
    events,
    commands,
    refusals,
    memory,
    outputDelay,
  };
  const guard = createRequestGuard({
    lan,
    token,
    // In LAN mode the Host header may name this machine by any of its addresses or names.
    allowedHosts: [...o.allowedHosts, ...(lan ? [o.host, ...ownHostNames()] : [])],
    corsOrigins: o.corsOrigins,
    refusals,
  });
  let draining = false;
  return {
    options: o,
    configDir: settings,
    services,
    registry,
    plugins,
    runtime,
    host,
    engine,
    outputDelay,
    outputDelayStore,
    interpolator,
    pre,
    clock,
    memory,
    faults,
    perform,
    models,
    presets,
    show,
    sync,
    lan,
    token,
    trusted: (address) => oscAllow.allows(address),
    guard,
    notReady: () => [
      ...(draining ? ['draining: this node is stopping'] : []),
      ...(show && !show.online ? [`the show's NATS server is out of reach`] : []),
    ],
    beginDrain: () => {
      draining = true;
    },
  };
}
