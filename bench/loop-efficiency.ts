import { performance } from 'node:perf_hooks';
import { startScope } from '../src/main';
import { OrtRuntime } from '../src/runtime/ort';
import { snapshotOf } from '../src/engine/snapshot';
import { buildFieldNet } from '../pipelines/neural-field/graph';
import { FrameInputs } from '../pipelines/neural-field/frame-inputs';
import { LATENT_SIZE, fieldFeeds, fieldNetOptions, neuralField } from '../pipelines/neural-field/neural-field';
import { median, sleep } from './stats';

export interface EfficiencyResult {
  bareFps: number;
  /** Bare session.run through the worker thread the server uses: the cost of the thread hop alone. */
  bareWorkerFps: number;
  serverFps: number;
  ratio: number;
  rounds: number;
}

/**
 * Loop efficiency: frames/s of the whole server (fixed-step clock, every frame rendered back to back, published
 * and counted) over frames/s of bare `session.run` on the same graph and size, on this thread with no server.
 * The two alternate in rounds so that background load hits both alike.
 */
export async function loopEfficiency(o: {
  width: number;
  height: number;
  seconds: number;
  rounds: number;
}): Promise<EfficiencyResult> {
  const bare: number[] = [];
  const bareWorker: number[] = [];
  const server: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    bare.push(await bareFps(o.width, o.height, o.seconds, false));
    server.push(await serverFps(o.width, o.height, o.seconds));
    bareWorker.push(await bareFps(o.width, o.height, o.seconds, true));
  }
  const bareFpsMedian = median(bare);
  const serverFpsMedian = median(server);
  return {
    bareFps: bareFpsMedian,
    bareWorkerFps: median(bareWorker),
    serverFps: serverFpsMedian,
    ratio: serverFpsMedian / bareFpsMedian,
    rounds: o.rounds,
  };
}

async function bareFps(width: number, height: number, seconds: number, worker: boolean): Promise<number> {
  const runtime = new OrtRuntime({ worker });
  const params = snapshotOf(neuralField.params, { width, height });
  const session = await runtime.createSession(buildFieldNet(fieldNetOptions(width, height, params)));
  const inputs = new FrameInputs(params.seed, LATENT_SIZE);
  const feeds = fieldFeeds(inputs);
  const run = async (i: number) => {
    inputs.update(i / 30, params);
    await session.run(feeds);
  };
  for (let i = 0; i < 20; i++) await run(i);
  let frames = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) await run(frames++);
  const fps = frames / ((performance.now() - start) / 1000);
  await session.release();
  await runtime.close();
  return fps;
}

async function serverFps(width: number, height: number, seconds: number): Promise<number> {
  const scope = await startScope({
    port: 0,
    width,
    height,
    clock: 'fixed-step',
    pipeline: 'neural-field',
    waitForLoad: true,
    log: () => {},
  });
  try {
    await sleep(500);
    const engine = scope.services.engine;
    const f0 = engine.getStats().frames;
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const frames = engine.getStats().frames - f0;
    return frames / ((performance.now() - t0) / 1000);
  } finally {
    await scope.stop();
  }
}
