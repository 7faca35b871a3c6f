/**
 * Where onnxruntime ran each node of a graph, read from its profile: the only record of placement onnxruntime-node
 * exposes (the verbose log goes to the native stderr). A node on the CPU provider inside a WebGPU session costs a
 * copy each way per frame, so the tests and the bench check that none falls back.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { InferenceBackend } from './backend';
import { floatsToHalf } from './half';
import type { Feed, PlainTensor } from './tensor';

export interface NodePlacement {
  node: string;
  op: string;
  provider: string;
}

const traceEvent = z.object({
  cat: z.string().optional(),
  name: z.string(),
  args: z.object({ op_name: z.string().optional(), provider: z.string().optional() }).passthrough().optional(),
});

/** The nodes of a profile (onnxruntime's Chrome-trace JSON) with the provider that ran each, once per node. */
export function parseProfile(json: unknown): NodePlacement[] {
  const events = z.array(z.unknown()).parse(json);
  const seen = new Map<string, NodePlacement>();
  for (const raw of events) {
    const e = traceEvent.safeParse(raw);
    if (!e.success || e.data.cat !== 'Node' || !e.data.args?.provider) continue;
    const node = e.data.name.replace(/_(kernel_time|fence_before|fence_after)$/, '');
    if (!seen.has(node)) seen.set(node, { node, op: e.data.args.op_name ?? '?', provider: e.data.args.provider });
  }
  return [...seen.values()];
}

/** Opens `model` with profiling in `runtime`, runs it once on `feeds`, and returns where each node ran. */
export async function nodePlacement(
  runtime: InferenceBackend,
  model: string | Uint8Array,
  feeds: Record<string, Feed>,
): Promise<NodePlacement[]> {
  const dir = await mkdtemp(join(tmpdir(), 'daydream-scope-profile-'));
  const session = await runtime.createSession(model, { profile: join(dir, 'profile') });
  try {
    await session.run(feeds);
    return parseProfile(JSON.parse(await readFile(await session.endProfiling(), 'utf8')));
  } finally {
    await session.release();
    await rm(dir, { recursive: true, force: true });
  }
}

/** "Resize resize_62, Transpose Transpose" for the nodes not on `provider`. */
export function describeFallbacks(placements: NodePlacement[], provider: string): string {
  return placements
    .filter((p) => p.provider !== provider)
    .map((p) => `${p.op} ${p.node} on ${p.provider}`)
    .join(', ');
}

/** onnxruntime's provider names for the project's short ones. */
export const ortProviderName: Record<string, string> = {
  cpu: 'CPUExecutionProvider',
  webgpu: 'WebGpuExecutionProvider',
  cuda: 'CUDAExecutionProvider',
  tensorrt: 'TensorrtExecutionProvider',
  dml: 'DmlExecutionProvider',
  coreml: 'CoreMLExecutionProvider',
};

/**
 * Feeds for every input a graph declares, with symbolic dimensions taken from `sizes` (1 when absent) and values
 * from a small deterministic pattern: enough to run a graph whose numbers do not matter (placement, timing).
 */
export function syntheticFeeds(
  inputs: readonly { name: string; type: string; dims: readonly (number | string | undefined)[] }[],
  sizes: Record<string, number> = {},
): Record<string, PlainTensor> {
  const feeds: Record<string, PlainTensor> = {};
  for (const input of inputs) {
    const dims = input.dims.map((d) => (typeof d === 'number' && d > 0 ? d : (sizes[d ?? ''] ?? 1)));
    const count = dims.reduce((a, b) => a * b, 1);
    const wave = (i: number) => Math.sin(i * 0.37) * 0.5;
    const data =
      input.type === 'float16'
        ? floatsToHalf(Float32Array.from({ length: count }, (_, i) => wave(i)))
        : input.type === 'int32'
          ? Int32Array.from({ length: count }, (_, i) => i % 7)
          : input.type === 'int64'
            ? BigInt64Array.from({ length: count }, (_, i) => BigInt(i % 7))
            : input.type === 'uint8'
              ? Uint8Array.from({ length: count }, (_, i) => (i * 13) & 255)
              : Float32Array.from({ length: count }, (_, i) => wave(i));
    feeds[input.name] = { type: input.type, dims, data };
  }
  return feeds;
}
