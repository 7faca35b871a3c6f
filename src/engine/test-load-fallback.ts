/**
 * Pipelines and ONNX files for the load-fallback tests: a pipeline that opens one real ONNX file in its own
 * onnxruntime process and says so in its preflight (size and SHA-256), and that can be told to fail its first
 * render by throwing or by crashing its process.
 */
import { createHash } from 'node:crypto';
import onnxProto from 'onnx-proto';
import { GraphBuilder } from '../runtime/graph-builder';
import { OrtRuntime } from '../runtime/ort';
import type { Image } from './frame';
import type { LoadContext, PipelineDefinition, RenderContext } from './pipeline';
import type { OrtSession } from '../runtime/session';

const { onnx } = onnxProto;

/** y = x + 1 over [1, 4] floats: a graph every provider runs. */
export function addOneGraph(): Uint8Array {
  const b = new GraphBuilder('add-one');
  const x = b.input('x', 'float', [1, 4]);
  b.output(b.op('Add', [x, b.scalar(1)]), 'y', 'float', [1, 4]);
  return b.toBytes();
}

/**
 * GroupNorm from the com.microsoft domain over NHWC [1, 2, 2, 4]: an operator onnxruntime implements for CUDA
 * (and DirectML), not for the CPU provider, so making a CPU session of it fails.
 */
export function groupNormGraph(): Uint8Array {
  const b = new GraphBuilder('group-norm');
  const x = b.input('x', 'float', [1, 2, 2, 4]);
  const gamma = b.floats('gamma', [4], [1, 1, 1, 1]);
  const beta = b.floats('beta', [4], [0, 0, 0, 0]);
  const y = b.op('GroupNorm', [x, gamma, beta], { epsilon: 1e-5, groups: { int: 2 }, activation: { int: 0 } });
  b.output(y, 'y', 'float', [1, 2, 2, 4]);
  // The builder writes default-domain nodes only: the node and the model's op-set imports are moved here.
  const model = onnx.ModelProto.decode(b.toBytes());
  const node = model.graph!.node!.find((n) => n.opType === 'GroupNorm')!;
  node.domain = 'com.microsoft';
  model.opsetImport!.push({ domain: 'com.microsoft', version: 1 });
  return onnx.ModelProto.encode(model).finish();
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** How an `onnxFilePipeline` fails: not at all, by throwing at its first render, or by crashing its process. */
export type FirstRender = 'ok' | 'throws' | 'crashes';

/**
 * A pipeline whose load makes a session of the file at `path` (declared with `size` and `sha256` in its
 * preflight) and whose frames are a flat grey from the session's output.
 */
export function onnxFilePipeline(
  id: string,
  file: { path: string; size: number; sha256: string },
  firstRender: FirstRender = 'ok',
): PipelineDefinition {
  return {
    id,
    name: id,
    description: 'one ONNX file, for the load-fallback tests',
    params: {},
    preflight: () => ({ files: [{ path: file.path, role: `${id}'s graph`, size: file.size, sha256: file.sha256 }] }),
    create() {
      let session: OrtSession | undefined;
      let runtime: OrtRuntime | undefined;
      let rendered = 0;
      return {
        async load(ctx: LoadContext) {
          runtime = ctx.runtime instanceof OrtRuntime ? ctx.runtime : undefined;
          session = await ctx.runtime.createSession(file.path);
        },
        async render(ctx: RenderContext): Promise<Image> {
          if (rendered++ === 0 && firstRender === 'throws') throw new Error(`${id}: its first render threw`);
          if (rendered === 1 && firstRender === 'crashes') {
            await runtime!.injectFault({ kind: 'crash' });
          }
          const out = await session!.run({ x: { type: 'float32', dims: [1, 4], data: new Float32Array(4) } });
          const level = Math.round((out.y!.data as Float32Array)[0]! * 100);
          const data = new Uint8Array(ctx.width * ctx.height * 4).fill(level);
          return { data, width: ctx.width, height: ctx.height };
        },
        async unload() {
          await session?.release();
        },
      };
    },
  };
}
