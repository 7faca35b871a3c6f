/** Loading and stepping an ar-video pipeline in tests. */
import type { Image } from '../../src/engine/frame';
import type { ParamSnapshot, PipelineDefinition } from '../../src/engine/pipeline';
import { snapshotOf } from '../../src/engine/snapshot';
import type { InferenceBackend } from '../../src/runtime/backend';
import { loadForTest } from '../shared/test-load';
import { ArVideoPipeline } from './ar-pipeline';
import type { ArPipelineOptions, ArPipelineSpec, ArSnapshot } from './ar-pipeline';
import type { ArParams } from './params';

/** Every parameter at its default, the model tiny, and the overrides (each checked by its spec). */
export function paramsOf<S extends ArParams>(
  def: PipelineDefinition<S>,
  overrides: { [K in keyof S]?: unknown } = {},
  size = { width: 64, height: 32 },
): ParamSnapshot<S> {
  return snapshotOf(def.params, size, { model: 'tiny', ...overrides });
}

/** A loaded pipeline of `spec` (not through the definition, so tests can turn prefetching off). */
export async function loadPipeline(
  spec: ArPipelineSpec,
  params: ArSnapshot,
  runtime: InferenceBackend,
  options: ArPipelineOptions = { prefetch: false },
  logs: string[] = [],
): Promise<ArVideoPipeline> {
  const pipeline = new ArVideoPipeline(spec, options);
  await loadForTest<ArParams>(pipeline, params, runtime, logs);
  return pipeline;
}

/** Renders frame `index` at 30 fps. */
export function renderFrame(p: ArVideoPipeline, params: ArSnapshot, index: number, input?: Image): Promise<Image> {
  const { width, height } = params;
  return p.render({ time: index / 30, dt: 1 / 30, frameIndex: index, width, height }, params, input);
}

/** Mean absolute difference of two images' bytes. */
export const diff = (a: Image, b: Image) => a.data.reduce((s, v, i) => s + Math.abs(v - b.data[i]!), 0) / a.data.length;

/** A flat opaque image. */
export function flat(value: number, width = 64, height = 32): Image {
  const data = new Uint8Array(width * height * 4).fill(value);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { data, width, height };
}
