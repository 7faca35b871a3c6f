/**
 * Wires the pre-processor chain (src/preprocess) into the server: the host gets the chain's factory, the depth
 * stage reads Depth-Anything-V2-Small from the models folder, and the conditioning picture gets an MJPEG stream and
 * a JPEG snapshot of its own (`/api/v1/conditioning/stream.mjpeg`, `/api/v1/conditioning/frame`).
 */
import { stat } from 'node:fs/promises';
import { Hono } from 'hono';
import { MjpegOutput } from '../outputs/mjpeg/mjpeg-output';
import { mjpegRoutes } from '../outputs/mjpeg/routes';
import type { PixelFormat } from '../outputs/output';
import { depthAnythingV2SmallManifest } from '../pipelines/shared/depth/depth-manifest';
import type { PreprocessorFactory } from './engine/preprocessor';
import { artifactPath } from './models/manifest';
import { ConditioningFeed, preprocessorFactory } from './preprocess';
import type { DepthModelSource } from './preprocess';
import { mount } from './http/routes';
import { DEPTH_MODEL } from './preprocess/depth-graphs';

export interface PreprocessSetup {
  factory: PreprocessorFactory;
  /** The newest conditioning picture (the panel's preview, the routes). */
  feed: ConditioningFeed;
  routes: Hono;
  close(): void;
}

/** The depth model from the models folder, or why it is not there (the stage is skipped, said once). */
export function depthFromModels(dir: string): DepthModelSource {
  const artifact = depthAnythingV2SmallManifest.artifacts[0]!;
  const path = artifactPath(dir, artifact);
  return async () => {
    const found = await stat(path).catch(() => undefined);
    if (found?.isFile()) return { model: path, size: DEPTH_MODEL.size };
    return {
      missing: `${artifact.repo} is not downloaded (daydream-scope download ${depthAnythingV2SmallManifest.id})`,
    };
  };
}

export function setupPreprocess(o: {
  modelsDir: string;
  now: () => number;
  log: (m: string) => void;
}): PreprocessSetup {
  const feed = new ConditioningFeed(o.now);
  const output = new MjpegOutput('conditioning', {}, o.log);
  // Not in the output hub (which hands out the engine's frames): it follows the conditioning feed.
  void output.start({ log: o.log, changed: () => {}, fps: () => 30 });
  const rgbaOnly = (data: Uint8Array) => (format: PixelFormat) => {
    if (format !== 'rgba') throw new Error(`the conditioning stream is RGBA only, not ${format}`);
    return data;
  };
  feed.onFrame((frame) => output.accept({ ...frame, pixels: rgbaOnly(frame.data) }));
  const factory = preprocessorFactory({
    depthModel: depthFromModels(o.modelsDir),
    conditioned: (image) => feed.publish(image),
    log: o.log,
  });
  const routes = new Hono();
  mount(routes, '/conditioning', mjpegRoutes(output, feed));
  return { factory, feed, routes, close: () => output.close() };
}
