/**
 * A test rig beside the composition root: the server's app on the core services and a manual clock, without a
 * socket or a process. It mounts the MJPEG output's routes as src/main.ts does, so it may import outputs/.
 */
import type { Hono } from 'hono';
import { ManualClock } from './engine/clock';
import { Engine } from './engine/engine';
import { PipelineHost } from './engine/host';
import { PipelineRegistry } from './engine/registry';
import { solidPipeline, tickFrames } from './engine/test-support';
import { CommandRegistry } from './kernel/commands';
import { EventBus } from './kernel/events';
import { RefusalCounter } from './kernel/refusals';
import { ParamStore } from './params/store';
import { OrtRuntime } from './runtime/ort';
import { createApp } from './server/app';
import { callWith } from './server/test-support';
import { OutputHub } from '../outputs/hub';
import { MjpegOutput } from '../outputs/mjpeg/mjpeg-output';
import { mjpegRoutes } from '../outputs/mjpeg/routes';
import pkg from '../package.json' with { type: 'json' };
import type { PipelineDefinition } from './engine/pipeline';
import type { PipelineHostOptions } from './engine/host';
import type { ScopeServices } from './kernel/services';
import type { Rig } from './server/test-support';

export interface TestAppOptions {
  pipelines: PipelineDefinition[];
  /** Loaded before the app is handed over; `null` for none. The first pipeline by default. */
  pipeline: string | null;
  width: number;
  height: number;
  fps: number;
  /** The memory budget's admission (src/main.ts asks MemoryBudget); none by default. */
  admit?: PipelineHostOptions['admit'];
}

/**
 * The server's app and its core services (store, host, engine, registry) on a manual clock, with the MJPEG
 * output's routes (/frame, /stream.mjpeg) mounted as the root mounts them, and no socket and none of the rest of
 * the process (OSC, other outputs, models, presets): route checks through `app.request()`.
 */
export async function testApp(
  options: Partial<TestAppOptions> = {},
): Promise<Rig & { app: Hono; logs: string[]; stop(): Promise<void> }> {
  const o = {
    pipelines: [solidPipeline()],
    width: 64,
    height: 64,
    fps: 30,
    ...options,
  } satisfies Partial<TestAppOptions>;
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  const clock = new ManualClock();
  const registry = new PipelineRegistry(o.pipelines);
  const params = new ParamStore();
  const runtime = new OrtRuntime({ intraOpThreads: 1 });
  const resolution = { width: o.width, height: o.height };
  const host = new PipelineHost({ registry, params, runtime, resolution, clock, log, admit: o.admit });
  const engine = new Engine({ clock, params, host, fps: o.fps, resolution });
  const services: ScopeServices = {
    version: pkg.version,
    params,
    host,
    engine,
    registry,
    log,
    events: new EventBus(),
    commands: new CommandRegistry(),
    refusals: new RefusalCounter(),
  };
  // Frames reach the MJPEG output through the output hub, as in the server.
  const mjpeg = new MjpegOutput('mjpeg', {}, log);
  const outputs = new OutputHub({ log, fps: () => engine.fps }).add(mjpeg, true);
  await outputs.start(engine);
  const app = createApp(services, {
    apiRoutes: [mjpegRoutes(mjpeg, engine)],
    mjpegClients: () => mjpeg.streams.count,
  });
  engine.start();
  const first = o.pipeline === undefined ? o.pipelines[0]?.id : o.pipeline;
  if (first) await host.load(first);
  const request = async (path: string, init?: RequestInit) => app.request(path, init);
  return {
    app,
    services,
    clock,
    logs,
    request,
    call: (path, init = {}) => callWith(request, path, init),
    frames: (n = 1) => tickFrames(engine, clock, n),
    stop: async () => {
      await outputs.stop();
      mjpeg.close();
      await engine.stop();
      await host.stop();
      await runtime.close();
    },
  };
}
