import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { ChildProcessTransport } from './child-transport';
import { GraphBuilder } from './graph-builder';
import { OrtRuntime } from './ort';
import { SHARED_MIN_BYTES, SharedReader, SharedWriter } from './shared-frames';

let runtimes: OrtRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
  runtimes = [];
});

/** y = x + 1 over `n` bytes: the output differs from the input, so a stale or shared buffer would show. */
function plusOne(n: number): Uint8Array {
  const g = new GraphBuilder('plus_one');
  const one = g.op('Cast', [g.scalar(1)], { to: { int: 2 } });
  g.output(g.op('Add', [g.input('x', 'uint8', [n]), one]), 'y', 'uint8', [n]);
  return g.toBytes();
}

const ours = () => readdirSync('/dev/shm').filter((f) => f.startsWith(`daydream-scope-${process.pid}-`));

describe('frames through shared memory between the server and the child process', () => {
  it('carries big outputs, each frame its own memory, and leaves no file behind', async () => {
    const lines: string[] = [];
    const transport = new ChildProcessTransport({ log: (m) => lines.push(m), directOutputs: true });
    const runtime = new OrtRuntime({ device: 'cpu', transport });
    runtimes.push(runtime);
    const n = 1 << 20;
    const session = await runtime.createSession(plusOne(n));
    const frames: Uint8Array[] = [];
    for (let k = 0; k < 3; k++) {
      const out = await session.run({ x: { type: 'uint8', dims: [n], data: new Uint8Array(n).fill(10 * k) } });
      frames.push(out.y!.data as Uint8Array);
    }
    // Each frame is right and stays right after the next ones came through the same pages.
    expect(frames.map((f) => [f[0], f[n - 1], f.length])).toEqual([
      [1, 1, n],
      [11, 11, n],
      [21, 21, n],
    ]);
    expect(lines.filter((l) => l.includes('shared memory'))).toEqual([]);
    // The inputs went the other way through it too.
    // onnxruntime wrote the frames there itself; the server copied its inputs in.
    const each = { tensors: 3, bytes: 3 * n };
    expect(transport.sharedCounts()).toEqual({ fromChild: { ...each, direct: 3 }, toChild: { ...each, direct: 0 } });
    // The file went as soon as the child had mapped it.
    expect(ours()).toEqual([]);
  });

  it('with sharedBytes 0 the pipe carries everything, as before', async () => {
    const transport = new ChildProcessTransport({ sharedBytes: 0 });
    const runtime = new OrtRuntime({ device: 'cpu', transport });
    runtimes.push(runtime);
    const session = await runtime.createSession(plusOne(SHARED_MIN_BYTES * 2));
    const out = await session.run({
      x: { type: 'uint8', dims: [SHARED_MIN_BYTES * 2], data: new Uint8Array(SHARED_MIN_BYTES * 2) },
    });
    expect((out.y!.data as Uint8Array)[0]).toBe(1);
    const none = { tensors: 0, bytes: 0, direct: 0 };
    expect(transport.sharedCounts()).toEqual({ fromChild: none, toChild: none });
  });
});

describe('the ring (SharedWriter / SharedReader)', () => {
  const big = (fill: number, bytes = SHARED_MIN_BYTES) => ({
    kind: 'plain' as const,
    type: 'uint8',
    dims: [bytes],
    data: new Uint8Array(bytes).fill(fill),
  });
  const region = { bytes: new Uint8Array(3 * SHARED_MIN_BYTES), mapped: true };

  it('never overwrites what the reader has not taken: past the room, the pipe carries the tensor', () => {
    const writer = new SharedWriter(region.bytes);
    const reader = new SharedReader(region);
    // Three replies before the reader takes any: the ring holds three, the fourth goes through the pipe.
    const sent = [1, 2, 3, 4].map((k) => writer.place({ outputs: { y: big(k) } }, reader.consumed));
    expect(sent.map((r) => r.outputs.y.kind)).toEqual(['shared', 'shared', 'shared', 'plain']);
    const taken = sent.map((r) => reader.take(r).outputs.y as { data: Uint8Array });
    expect(taken.map((t) => t.data[0])).toEqual([1, 2, 3, 4]);
    // All taken: the next one starts at the front again.
    const next = writer.place({ outputs: { y: big(5) } }, reader.consumed);
    expect(next.outputs.y).toMatchObject({ kind: 'shared', offset: 0 });
  });

  it('small tensors and handles pass untouched; a tensor after the region was unmapped is an error', () => {
    const writer = new SharedWriter(region.bytes);
    const small = { kind: 'plain', type: 'uint8', dims: [4], data: new Uint8Array(4) };
    const handle = { kind: 'handle', id: 3 };
    expect(writer.place({ outputs: { a: small, b: handle } }, 0)).toEqual({ outputs: { a: small, b: handle } });
    const sent = writer.place({ tensor: big(9) }, 0);
    expect(() => new SharedReader({ ...region, mapped: false }).take(sent)).toThrow(
      'a shared tensor came after its process had ended',
    );
  });
});
