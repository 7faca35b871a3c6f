/**
 * The root's services, in start order: each a descriptor (name, the flags it reads, what it needs from the
 * core and from the services before it, start -> routes, commands, provides, stop). The runner
 * (src/kernel/service-list.ts) stops them in reverse order and rolls back a half-done start, so the order here
 * is the whole of the start and stop sequence. Tests start the same core with a subset of this list.
 */
import { startShow, syncCues, syncTempo } from './show-setup';
import { faultRoutes } from './server/api-faults';
import { startHttpServer } from './server/http';
import { LoraInstaller, loraRoutes, modelRoutes } from './models';
import { referenceRoutes } from './references/routes';
import { referencesDir } from './references/reference-images';
import { presetRoutes } from './presets/index';
import { pluginRoutes } from './plugins/index';
import { oscRoutes } from '../control/osc/paths';
import { outputRoutes } from '../outputs/routes';
import { setupOutputs } from '../outputs/setup';
import { whepRoutes } from '../outputs/webrtc/routes';
import { rootPaths } from './shared/api-paths';
import { setupPerform } from './perform-setup';
import { mjpegRoutes } from '../outputs/mjpeg/routes';
import { outputDelayRoutes } from './server/api-output-delay';
import { setupInputs } from '../inputs/setup';
import { setupMcp } from './mcp-setup';
import { timecodeService } from './timecode-setup';
import { dmxService, midiService, oscQueryService, oscService } from './control-services';
import { showFileService } from './show-file-setup';
import { noting, scopeService } from './scope-service-kit';
import type { ScopeService } from './scope-service-kit';

export type { Provided, ScopeService, ServiceRoutes } from './scope-service-kit';

/** The pipelines, the runtime, models, presets, plugins: the core's own routes, and its end (last of all). */
export const coreService = scopeService({
  name: 'core',
  flags: ['pipelines', 'plugins', 'device', 'isolation', 'warm', 'memoryBudget', 'manifests', 'modelsDir'],
  needs: ['services', 'models', 'presets', 'plugins', 'faults', 'host', 'runtime', 'interpolator', 'pre'],
  start: ({ services, models, presets, plugins, faults, host, runtime, interpolator, pre }) => {
    const loras = new LoraInstaller({ root: models.dir, log: services.log, events: services.events });
    return {
      routes: {
        api: [
          oscRoutes(services),
          modelRoutes(models, { provider: async () => (await runtime.provider()).provider }),
          loraRoutes(loras),
          presetRoutes(presets),
          pluginRoutes(plugins),
          pre.routes,
          referenceRoutes(referencesDir(models.dir)),
          ...(faults ? [faultRoutes(faults)] : []),
        ],
      },
      stop: async () => {
        loras.close();
        await models.close();
        pre.close();
        await host.stop();
        await interpolator.close();
        await runtime.close();
      },
    };
  },
});

/** The memory monitor: samples every 2 s for the budget, /api/v1/stats and the panel. */
export const memoryService = scopeService({
  name: 'memory',
  flags: ['memoryBudget'],
  needs: ['memory'],
  start: ({ memory }) => {
    memory.start();
    return { stop: () => memory.stop() };
  },
});

/**
 * The outputs (WebRTC, MJPEG, NDI, Syphon, Spout, WHIP push, and those of services before it), a command each.
 * Built here; they receive frames from the `frames` service, which starts and drains them with the engine.
 */
export const outputsService = scopeService({
  name: 'outputs',
  flags: [
    'ndi',
    'ndiName',
    'syphon',
    'spout',
    'iceServers',
    'mjpegQuality',
    'whipPush',
    'whipToken',
    'outputs',
    'outputDelay',
  ],
  needs: ['options', 'services', 'engine', 'outputDelay', 'outputDelayStore', 'moreOutputs', 'pre'],
  start: ({ options: o, services, engine, outputDelay, outputDelayStore, moreOutputs, pre }) =>
    noting(services.commands, () => {
      const { hub, webrtc, mjpeg, conditioningWebrtc } = setupOutputs({
        log: o.log,
        events: services.events,
        commands: services.commands,
        fps: () => engine.fps,
        ndi: o.ndi,
        name: o.ndiName,
        syphon: o.syphon,
        spout: o.spout,
        iceServers: o.iceServers,
        mjpegQuality: o.mjpegQuality,
        whipPush: o.whipPush === undefined ? undefined : { url: o.whipPush, token: o.whipToken },
        outputs: o.outputs,
        more: moreOutputs,
        // The depth map goes out as late as the picture rendered from it.
        conditioning: outputDelay.follow(pre.feed),
      });
      const conditioningRoutes = conditioningWebrtc ? [whepRoutes(conditioningWebrtc, rootPaths.conditioningWhep)] : [];
      return {
        routes: {
          api: [outputRoutes(hub), mjpegRoutes(mjpeg, outputDelay), outputDelayRoutes(outputDelayStore)],
          root: [whepRoutes(webrtc), ...conditioningRoutes],
        },
        provides: { outputs: hub, mjpeg },
        stop: async () => {
          mjpeg.close();
          await outputDelayStore.flush();
        },
      };
    }),
});

/** Tempo, Link, audio analysis, cues, recording: the perform layer around the engine's perform stage. */
export const performService = scopeService({
  name: 'perform',
  flags: ['bpm', 'link', 'audioIn', 'audioFormat'],
  needs: ['options', 'services', 'perform', 'outputs', 'configDir', 'host'],
  start: ({ options: o, services, perform, outputs, configDir, host }) =>
    noting(services.commands, async () => {
      const performing = await setupPerform({
        perform,
        hub: outputs,
        commands: services.commands,
        events: services.events,
        log: o.log,
        configDir,
        activePipeline: () => host.activeId ?? null,
        link: o.link,
        audioIn: o.audioIn,
        audioFormat: o.audioFormat,
      });
      return { routes: { api: performing.routes }, provides: { performing }, stop: () => performing.stop() };
    }),
});

/**
 * The inputs: feedback takes the engine's own frames; the engine renders from the hub's active input; a WHIP
 * publisher's audio (the panel's microphone) drives the audio modulators.
 */
export const inputsService = scopeService({
  name: 'inputs',
  flags: ['iceServers'],
  needs: ['options', 'services', 'engine', 'performing'],
  start: ({ options: o, services, engine, performing }) =>
    noting(services.commands, async () => {
      const inputs = await setupInputs({
        log: o.log,
        events: services.events,
        commands: services.commands,
        frames: engine,
        iceServers: o.iceServers,
        whip: { onAudio: performing.feedAudio },
      });
      engine.setInput(inputs.hub);
      await inputs.hub.start();
      return {
        routes: { api: [inputs.apiRoutes], root: [inputs.rootRoutes] },
        provides: { inputs: inputs.hub },
        stop: () => inputs.close(),
      };
    }),
});

/** The HTTP server (API, WebSocket, panel, WHEP/WHIP, MJPEG) with MCP over it: every earlier service's routes. */
export const httpService = scopeService({
  name: 'http',
  flags: ['port', 'host', 'allowedHosts', 'corsOrigins', 'token'],
  needs: ['options', 'services', 'guard', 'notReady', 'mjpeg'],
  start: async ({ options: o, services, guard, notReady, mjpeg }, before) => {
    const mcp = setupMcp(services);
    const routes = before.flatMap((s) => (s.routes ? [s.routes] : []));
    const http = await startHttpServer(services, {
      port: o.port,
      host: o.host,
      apiRoutes: routes.flatMap((r) => r.api ?? []),
      rootRoutes: routes.flatMap((r) => r.root ?? []),
      selfRoutes: [mcp.routes, ...routes.flatMap((r) => r.self ?? [])],
      mjpegClients: () => mjpeg.streams.count,
      guard,
      notReady,
      timers: o.timers,
    }).catch(async (err: unknown) => {
      await mcp.close();
      throw err;
    });
    return {
      provides: { http },
      // MCP's sessions end before the server closes, so no open stream holds the close back.
      stop: async () => {
        await mcp.close();
        await http.close();
      },
    };
  },
});

/** A node of a show: its tempo and cues follow the show's (`--nats`); nothing when alone. */
export const showService = scopeService({
  name: 'show',
  flags: ['nats', 'natsCreds', 'natsCa', 'show'],
  needs: ['sync', 'perform', 'performing'],
  start: ({ sync, perform, performing }) => {
    if (!sync) return {};
    const unsyncTempo = syncTempo(sync, perform.tempo);
    const unsyncCues = syncCues(sync, performing.service);
    return {
      stop: () => {
        unsyncTempo();
        unsyncCues();
      },
    };
  },
});

/**
 * The frame loop, last: outputs subscribe before the loop starts (so each sees the first frame), then the first
 * pipeline loads (a show's node loads the show's). Its stop is the drain: not ready from then on; the frame in
 * flight finishes and goes out; the outputs end (a WHIP session is DELETEd); the node leaves the show.
 */
export const framesService = scopeService({
  name: 'frames',
  flags: ['pipeline', 'fps', 'width', 'height', 'clock', 'waitForLoad'],
  needs: ['options', 'engine', 'outputDelay', 'outputs', 'host', 'show', 'sync', 'beginDrain'],
  start: async ({ options: o, engine, outputDelay, outputs, host, show, sync, beginDrain }) => {
    // Every output reads through the output delay (0 ms: straight through).
    await outputs.start(outputDelay);
    engine.start();
    const loading =
      show && sync ? startShow(show, sync, host, o.pipeline) : o.pipeline !== null ? host.load(o.pipeline) : undefined;
    // A first pipeline its preflight refuses (its files missing) leaves the server up, blank, saying why.
    const started = loading?.catch((err: Error) => o.log(`Not loading ${o.pipeline}: ${err.message}`));
    if (o.waitForLoad) await started;
    return {
      stop: async () => {
        beginDrain();
        await engine.stop();
        // Frames the output delay still holds go out now: the last frame rendered is the last one sent.
        outputDelay.drain();
        const last = engine.latest();
        await outputs.stop();
        sync?.detach();
        await show?.leave();
        o.log(
          `Drained: the last frame${last ? ` (${last.seq})` : ''} went out, outputs closed${show ? `, left show ${o.show}` : ''}.`,
        );
      },
    };
  },
});

/** Every service of `daydream-scope`, in start order. */
export const scopeServiceList: readonly ScopeService[] = [
  coreService,
  memoryService,
  dmxService,
  midiService,
  outputsService,
  performService,
  timecodeService,
  inputsService,
  showFileService,
  httpService,
  oscService,
  oscQueryService,
  showService,
  framesService,
];
