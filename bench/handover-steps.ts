/**
 * Where the time of a frame coming back from the child process goes, step by step, each step measured alone in
 * this process at the frame's size: onnxruntime making the output in memory it allocates, or writing it into a
 * buffer given to it in shared memory; the child's copy into the region (before, when outputs were allocated);
 * the message between the processes (an empty request's round trip); the server's copy out of the region.
 * On WebGPU the output is a host output that onnxruntime copies from the GPU (every output on the host, so
 * onnxruntime writes into the buffer given: output-slots.ts).
 */
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { ChildProcessTransport } from '../src/runtime/child-transport';
import { GraphBuilder } from '../src/runtime/graph-builder';
import { SharedRegion } from '../src/runtime/shared-region';
import { SharedReader, SharedWriter } from '../src/runtime/shared-frames';
import { fmt } from './stats';

export interface HandoverSteps {
  bytes: number;
  /** session.run of a graph making the frame from one byte, output allocated by onnxruntime. */
  runAllocatedMs: number;
  /** The same run, writing into a buffer in shared memory given to it (what the child does now). */
  runInPlaceMs: number;
  /** Copying the frame into the region (what the child did after the run, before). */
  copyInMs: number;
  /** A request's round trip to the child and back, carrying nothing. */
  messageMs: number;
  /** The server taking the frame out of the region into memory of its own (the one copy left). */
  copyOutMs: number;
}

/** Mean milliseconds per call over `n` calls, after a few to warm up. */
async function each(n: number, f: () => unknown): Promise<number> {
  for (let i = 0; i < 5; i++) await f();
  const start = performance.now();
  for (let i = 0; i < n; i++) await f();
  return (performance.now() - start) / n;
}

export async function handoverSteps(
  bytes: number,
  n: number,
  device: 'cpu' | 'webgpu' = 'cpu',
): Promise<HandoverSteps> {
  const g = new GraphBuilder('frame_back');
  g.output(g.op('Expand', [g.input('x', 'uint8', [1]), g.int64s('shape', [bytes])]), 'y', 'uint8', [bytes]);
  const session = await ort.InferenceSession.create(g.toBytes(), {
    executionProviders: [device],
    ...(device === 'webgpu' ? { preferredOutputLocation: { y: 'cpu' } } : {}),
  });
  const region = SharedRegion.create(4 * bytes);
  if (typeof region === 'string') throw new Error(region);
  const transport = new ChildProcessTransport({ sharedBytes: 0 });
  try {
    const x = new ort.Tensor('uint8', Uint8Array.of(7), [1]);
    const writer = new SharedWriter(region.bytes);
    const reader = new SharedReader(region);
    const slot = writer.reserve(bytes, 0)!;
    const frame = new Uint8Array(bytes).fill(3);
    const wire = writer.sent(slot, { type: 'uint8', dims: [bytes], array: 'Uint8Array' });
    await transport.request({ op: 'dispose', ids: [] });
    return {
      bytes,
      runAllocatedMs: await each(n, () => session.run({ x })),
      runInPlaceMs: await each(n, () => session.run({ x }, { y: new ort.Tensor('uint8', slot.bytes, [bytes]) })),
      copyInMs: await each(n, () => slot.bytes.set(frame)),
      messageMs: await each(n, () => transport.request({ op: 'dispose', ids: [] })),
      copyOutMs: await each(n, () => reader.take({ tensor: wire })),
    };
  } finally {
    await session.release();
    await transport.close();
    region.close();
  }
}

export function formatHandoverSteps(s: HandoverSteps): string[] {
  const before = s.copyInMs + s.messageMs + s.copyOutMs;
  const after = s.messageMs + s.copyOutMs;
  return [
    `  the handover's steps at ${fmt(s.bytes / 2 ** 20, 1)} MiB, each alone: run allocating its output ${fmt(s.runAllocatedMs)} ms, run writing into shared memory ${fmt(s.runInPlaceMs)} ms; ` +
      `child's copy in ${fmt(s.copyInMs)} ms, message round trip ${fmt(s.messageMs)} ms, server's copy out ${fmt(s.copyOutMs)} ms`,
    `  so the handover (beyond the run): before ${fmt(before)} ms (copy in + message + copy out), after ${fmt(after)} ms (message + copy out)`,
  ];
}
