/**
 * The server's tests without a socket or a process: the root's own core (buildCore) and a subset of its service
 * list (the core's routes, the outputs, the frame loop) on a manual clock, mounted on the server's app as the
 * HTTP service mounts them; route checks through `app.request()`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { ManualClock } from './engine/clock';
import { solidPipeline, tickFrames } from './engine/test-support';
import { startServices } from './kernel/service-list';
import { createApp } from './server/app';
import { callWith } from './server/test-support';
import { buildCore } from './scope-core';
import type { CoreSeams, ScopeCore } from './scope-core';
import { coreService, framesService, outputsService } from './scope-services';
import type { Provided, ScopeService, ServiceRoutes } from './scope-services';
import { scopeDefaults } from './scope-options';
import type { PipelineDefinition } from './engine/pipeline';
import type { Rig } from './server/test-support';

/** The services a test rig starts: no sockets (HTTP, OSC, OSCQuery), no MIDI, DMX, inputs or perform layer. */
export const rigServices: readonly ScopeService[] = [coreService, outputsService, framesService];

export interface TestRigOptions extends CoreSeams {
  pipelines: PipelineDefinition[];
  /** Loaded before the rig is handed over; `null` for none. The first pipeline by default. */
  pipeline: string | null;
  width: number;
  height: number;
  fps: number;
}

export async function startTestRig(
  options: Partial<TestRigOptions> = {},
): Promise<Rig & { app: Hono; logs: string[]; stop(): Promise<void> }> {
  const { admit, ...rest } = options;
  const pipelines = rest.pipelines ?? [solidPipeline()];
  const logs: string[] = [];
  const clock = new ManualClock();
  // Presets live in the config dir: a rig of its own, never the user's.
  const configDir = await mkdtemp(join(tmpdir(), 'scope-rig-'));
  const core = await buildCore(
    {
      ...scopeDefaults,
      width: 64,
      height: 64,
      fps: 30,
      ...rest,
      pipelines,
      pipeline: rest.pipeline === undefined ? (pipelines[0]?.id ?? null) : rest.pipeline,
      clock,
      log: (m) => logs.push(m),
      configDir,
      plugins: [],
      pluginSearch: [],
      isolation: 'worker',
      // A switch unloads the pipeline before it, as the tests of switching expect; none is kept warm.
      warm: 0,
      waitForLoad: true,
    },
    { admit },
  );
  // No DMX service in the rig: no outputs of its to add.
  const running = await startServices<ScopeCore & Provided, ServiceRoutes>(rigServices, { ...core, moreOutputs: [] });
  const routes = running.started.flatMap((s) => (s.routes ? [s.routes] : []));
  const mjpeg = running.get('mjpeg');
  const app = createApp(core.services, {
    apiRoutes: routes.flatMap((r) => r.api ?? []),
    rootRoutes: routes.flatMap((r) => r.root ?? []),
    mjpegClients: () => mjpeg.streams.count,
  });
  const request = async (path: string, init?: RequestInit) => app.request(path, init);
  return {
    app,
    services: core.services,
    clock,
    logs,
    request,
    call: (path, init = {}) => callWith(request, path, init),
    frames: (n = 1) => tickFrames(core.engine, clock, n),
    stop: async () => {
      await running.stop();
      await rm(configDir, { recursive: true, force: true });
    },
  };
}
