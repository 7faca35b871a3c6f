import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from './graph-builder';
import { OrtRuntime } from './ort';
import type { PlainTensor, TensorHandle } from './tensor';

const runtimes: OrtRuntime[] = [];
afterAll(async () => Promise.all(runtimes.map((r) => r.close())));

/** y = x * k + b and z = -y over a float vector of 4. */
function affine(k: number, b: number): Uint8Array {
  const g = new GraphBuilder('affine');
  const x = g.input('x', 'float', [4]);
  const y = g.op('Add', [g.op('Mul', [x, g.scalar(k)]), g.scalar(b)]);
  g.output(y, 'y', 'float', [4]);
  g.output(g.op('Neg', [y]), 'z', 'float', [4]);
  return g.toBytes();
}

const vec = (...v: number[]): PlainTensor => ({ type: 'float32', data: Float32Array.from(v), dims: [4] });
const values = (t: PlainTensor) => Array.from(t.data as Float32Array);

function runtime(o: ConstructorParameters<typeof OrtRuntime>[0]): OrtRuntime {
  const r = new OrtRuntime(o);
  runtimes.push(r);
  return r;
}

describe.each([
  ['CPU, worker thread', { device: 'cpu' as const, worker: true }, 'cpu'],
  ['CPU, this thread', { device: 'cpu' as const, worker: false }, 'cpu'],
  ['WebGPU (lavapipe in CI), worker thread', { device: 'webgpu' as const, worker: true }, 'gpu-buffer'],
])('tensor handles: %s', (_name, options, location) => {
  const rt = runtime(options);

  it('runs on the provider asked for (no adapter is a failure, not a skip)', async () => {
    const choice = await rt.provider();
    expect(choice.provider, choice.reason).toBe(options.device);
  });

  it('keeps an output where the session runs and feeds it to the next session', async () => {
    const first = await rt.createSession(affine(2, 1));
    const second = await rt.createSession(affine(10, 0));
    const a = await first.run({ x: vec(0, 1, 2, 3) }, { keep: ['y'] });
    const h = a.y;
    expect(h).toMatchObject({ kind: 'handle', type: 'float32', dims: [4], location });
    expect('data' in h).toBe(false);
    // The output not kept came back as data.
    expect(values(a.z as PlainTensor)).toEqual([-1, -3, -5, -7]);
    const b = await second.run({ x: h });
    expect(values(b.y!)).toEqual([10, 30, 50, 70]);
    expect(values(await rt.read(h))).toEqual([1, 3, 5, 7]);
    await rt.release(h);
    await first.release();
    await second.release();
  });

  it('refuses a released handle, a second release and a foreign handle with a sentence', async () => {
    const s = await rt.createSession(affine(1, 0));
    const { y } = await s.run({ x: vec(1, 2, 3, 4) }, { keep: ['y'] });
    await rt.release([y]);
    await expect(rt.release(y)).rejects.toThrow(/#\d+ \(float32 \[4\], .*\) was released earlier; it cannot be used/);
    await expect(rt.read(y)).rejects.toThrow(/was released/);
    await expect(s.run({ x: y })).rejects.toThrow(/was released/);
    const forged: TensorHandle = { ...y };
    await expect(rt.read(forged)).rejects.toThrow(/not a tensor handle of this runtime/);
    // The session is unharmed.
    expect(values((await s.run({ x: vec(1, 1, 1, 1) })).y!)).toEqual([1, 1, 1, 1]);
    await s.release();
  });

  it('releases every handle of a session with the session', async () => {
    const s = await rt.createSession(affine(1, 1));
    const before = rt.handleStats().count;
    const kept = await s.run({ x: vec(1, 2, 3, 4) }, { keep: ['y', 'z'] });
    expect(rt.handleStats()).toEqual({ count: before + 2, bytes: expect.any(Number) as number });
    await s.release();
    expect(rt.handleStats().count).toBe(before);
    await expect(rt.read(kept.z)).rejects.toThrow(/was released with its session/);
  });

  it('uploads a host tensor once and feeds it to many runs', async () => {
    const s = await rt.createSession(affine(2, 0));
    const source = Float32Array.of(1, 2, 3, 4);
    const h = await rt.upload({ type: 'float32', data: source, dims: [4] });
    source.fill(0);
    expect(h.location).toBe(location);
    const before = rt.transfers().toDeviceCopies;
    for (let i = 0; i < 3; i++) expect(values((await s.run({ x: h })).y!)).toEqual([2, 4, 6, 8]);
    expect(rt.transfers().toDeviceCopies).toBe(before);
    await rt.release(h);
    await s.release();
  });

  it('names an output that does not exist', async () => {
    const s = await rt.createSession(affine(1, 1));
    await expect(s.run({ x: vec(1, 2, 3, 4) }, { keep: ['w'] })).rejects.toThrow(/keep: the session has no output w/);
    await s.release();
  });
});

describe('host<->device copies', () => {
  it('are counted on a device session: feeds up, the one read down, nothing for kept buffers', async () => {
    const rt = runtime({ device: 'webgpu' });
    const first = await rt.createSession(affine(2, 0));
    const second = await rt.createSession(affine(3, 0), { hostOutputs: ['y'] });
    const a = await first.run({ x: vec(1, 2, 3, 4) }, { keep: ['y', 'z'] });
    expect(rt.transfers()).toEqual({ toDeviceBytes: 16, toDeviceCopies: 1, toHostBytes: 0, toHostCopies: 0 });
    const b = await second.run({ x: a.y }, { keep: ['z'] });
    expect(values(b.y as PlainTensor)).toEqual([6, 12, 18, 24]);
    expect(rt.transfers()).toMatchObject({ toDeviceCopies: 1, toHostBytes: 16, toHostCopies: 1 });
    expect(values(await rt.read(b.z))).toEqual([-6, -12, -18, -24]);
    expect(rt.transfers()).toMatchObject({ toDeviceCopies: 1, toHostBytes: 32, toHostCopies: 2 });
    await rt.release([a.y, a.z, b.z]);
    expect(rt.handleStats().count).toBe(0);
  });

  it('are zero on the CPU, where kept tensors stay in the worker', async () => {
    const rt = runtime({ device: 'cpu' });
    const s = await rt.createSession(affine(2, 0));
    const { y } = await s.run({ x: vec(1, 2, 3, 4) }, { keep: ['y'] });
    await s.run({ x: y });
    await rt.read(y);
    expect(rt.transfers()).toEqual({ toDeviceBytes: 0, toDeviceCopies: 0, toHostBytes: 0, toHostCopies: 0 });
  });
});

describe('a closed runtime', () => {
  it('says its handles went with it', async () => {
    const rt = runtime({ device: 'cpu' });
    const s = await rt.createSession(affine(1, 0));
    const { y } = await s.run({ x: vec(1, 2, 3, 4) }, { keep: ['y'] });
    await rt.close();
    await expect(rt.read(y)).rejects.toThrow(/was released when the runtime was closed/);
  });
});
