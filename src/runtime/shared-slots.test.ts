import { afterEach, describe, expect, it } from 'vitest';
import { ChildProcessTransport } from './child-transport';
import { GraphBuilder } from './graph-builder';
import { OrtRuntime } from './ort';
import { SHARED_MIN_BYTES, SharedReader, SharedWriter } from './shared-frames';
import { plainOutput } from './tensor';

let runtimes: OrtRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
  runtimes = [];
});

const n = 1 << 20;
/** y = x + 1 over `n` bytes (or a symbolic length): each frame differs from its input and from the others. */
function plusOne(length: number | string = n): Uint8Array {
  const g = new GraphBuilder('plus_one');
  const one = g.op('Cast', [g.scalar(1)], { to: { int: 2 } });
  g.output(g.op('Add', [g.input('x', 'uint8', [length]), one]), 'y', 'uint8', [length]);
  return g.toBytes();
}
const feed = (fill: number) => ({ x: { type: 'uint8', dims: [n], data: new Uint8Array(n).fill(fill) } });
/** Every byte of a frame, as a set: one value when the frame is intact. */
const values = (data: unknown) => [...new Set(data as Uint8Array)];

/** y = x + 1 and z = x + 2 over `n` bytes: two frames of one run. */
function plusOneTwo(): Uint8Array {
  const g = new GraphBuilder('plus_one_two');
  const x = g.input('x', 'uint8', [n]);
  const int = (v: number) => g.op('Cast', [g.scalar(v)], { to: { int: 2 } });
  g.output(g.op('Add', [x, int(1)]), 'y', 'uint8', [n]);
  g.output(g.op('Add', [x, int(2)]), 'z', 'uint8', [n]);
  return g.toBytes();
}

/** plusOneTwo on WebGPU in the child, with `hostOutputs` on the host and the other output left in a GPU buffer. */
async function onWebGpu(hostOutputs: string[]) {
  const transport = new ChildProcessTransport({ sharedBytes: 16 * n, directOutputs: true });
  const runtime = new OrtRuntime({ device: 'webgpu', transport });
  runtimes.push(runtime);
  expect((await runtime.provider()).provider).toBe('webgpu');
  return { transport, runtime, session: await runtime.createSession(plusOneTwo(), { hostOutputs }) };
}

function isolated(sharedBytes: number) {
  const transport = new ChildProcessTransport({ faults: true, sharedBytes, directOutputs: true });
  const runtime = new OrtRuntime({ device: 'cpu', transport });
  const lost: string[] = [];
  runtime.onLost((err) => lost.push(err.message));
  runtimes.push(runtime);
  return { transport, runtime, lost };
}

describe('run outputs written by onnxruntime straight into shared memory', () => {
  it('a static-shaped output is written in place; a dynamic one is copied in after the run', async () => {
    const { transport, runtime } = isolated(8 * n);
    const fixed = await runtime.createSession(plusOne());
    const free = await runtime.createSession(plusOne('length'));
    expect(values((await fixed.run(feed(4))).y!.data)).toEqual([5]);
    expect(values((await free.run(feed(6))).y!.data)).toEqual([7]);
    // Both came back through the region, but only the first without a copy in the child.
    expect(transport.sharedCounts().fromChild).toEqual({ tensors: 2, bytes: 2 * n, direct: 1 });
  });

  // WebGPU: lavapipe in CI; no adapter is a failure, not a skip.
  it('on WebGPU, a session whose outputs all come to the host has them written in place, side by side', async () => {
    const { transport, session } = await onWebGpu(['y', 'z']);
    for (const k of [8, 9, 10]) {
      const out = await session.run(feed(k));
      expect([values(out.y!.data), values(out.z!.data)]).toEqual([[k + 1], [k + 2]]);
    }
    expect(transport.sharedCounts().fromChild).toEqual({ tensors: 6, bytes: 6 * n, direct: 6 });
  });

  it('on WebGPU, a session with an output left in a GPU buffer has its host output copied in', async () => {
    // onnxruntime leaves the memory given to it untouched there (output-slots.test.ts): written in place, each
    // frame would be what the slot held before (zeros, then an older frame), as the ar-video decoder's were.
    const { transport, runtime, session } = await onWebGpu(['y']);
    for (const k of [8, 9, 10]) {
      const out = await session.run(feed(k), { keep: ['z'] });
      expect(values(plainOutput(out, 'y').data)).toEqual([k + 1]);
      expect(out.z).toMatchObject({ location: 'gpu-buffer' });
      expect(values((await runtime.read(out.z!)).data)).toEqual([k + 2]);
      await runtime.release([out.z!]);
    }
    expect(transport.sharedCounts().fromChild.direct).toBe(0);
  });

  it('a slow consumer: runs in flight beyond the ring take the pipe, and every frame is intact', async () => {
    // The replies' half holds two frames; three runs are asked for before the server has read any reply.
    const { transport, runtime } = isolated(2 * (2 * n + 64));
    const session = await runtime.createSession(plusOne());
    const outs = await Promise.all([10, 20, 30].map((k) => session.run(feed(k))));
    expect(outs.map((o) => values(o.y!.data))).toEqual([[11], [21], [31]]);
    expect(transport.sharedCounts().fromChild).toEqual({ tensors: 2, bytes: 2 * n, direct: 2 });
    // Read now: the next frames use the same slots again.
    expect(values((await session.run(feed(40))).y!.data)).toEqual([41]);
    expect(transport.sharedCounts().fromChild.direct).toBe(3);
  });

  it('a child dying mid-write cannot touch a frame the server holds: the server has its own copy', async () => {
    const { transport, runtime, lost } = isolated(8 * n);
    const session = await runtime.createSession(plusOne());
    const held = (await session.run(feed(1))).y!.data;
    expect(transport.sharedCounts().fromChild.direct).toBe(1);
    // The child writes garbage over every byte of its replies' ring (the held frame's slot included) and aborts,
    // with a run in flight behind it.
    const scribble = runtime.injectFault({ kind: 'scribble' });
    const inFlight = session.run(feed(2));
    await expect(scribble).rejects.toThrow(/SIGABRT/);
    await expect(inFlight).rejects.toThrow(/SIGABRT/);
    expect(lost).toEqual([expect.stringContaining('crashed (SIGABRT')]);
    expect(values(held)).toEqual([2]);
    // A new child, a new region: frames are right again.
    const again = await runtime.createSession(plusOne());
    expect(values((await again.run(feed(3))).y!.data)).toEqual([4]);
  });
});

describe('slots in the ring (SharedWriter.reserve)', () => {
  const size = SHARED_MIN_BYTES;
  const wire = (writer: SharedWriter, slot: NonNullable<ReturnType<SharedWriter['reserve']>>) =>
    writer.sent(slot, { type: 'uint8', dims: [size], array: 'Uint8Array' }, true);

  it('wraps to the front over bytes already read, and never over bytes not yet read', () => {
    const region = { bytes: new Uint8Array(Math.floor(2.5 * size)), mapped: true };
    const writer = new SharedWriter(region.bytes);
    const reader = new SharedReader(region);
    const a = writer.reserve(size, reader.consumed)!;
    a.bytes.fill(1);
    const b = writer.reserve(size, reader.consumed)!;
    b.bytes.fill(2);
    // Nothing read yet: no third slot, A and B stay as written.
    expect(writer.reserve(size, reader.consumed)).toBeUndefined();
    // The reader turns each shared tensor back into a plain one.
    const take = (w: ReturnType<typeof wire>) =>
      (reader.take({ tensor: w }).tensor as unknown as { data: Uint8Array }).data;
    const taken = [take(wire(writer, a))];
    // A read, B not: the third slot wraps to the front, over A only.
    const c = writer.reserve(size, reader.consumed)!;
    expect([a.offset, b.offset, c.offset]).toEqual([0, size, 0]);
    c.bytes.fill(3);
    taken.push(take(wire(writer, b)), take(wire(writer, c)));
    expect(taken.map(values)).toEqual([[1], [2], [3]]);
    expect(reader.direct).toBe(3);
  });
});
