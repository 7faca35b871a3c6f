import { afterEach, describe, expect, it } from 'vitest';
import { builtinPipelines } from '../../pipelines/index';
import { snapshotOf } from '../engine/snapshot';
import { OrtRuntime } from './ort';
import { isHandle } from './tensor';
import type { InferenceBackend } from './backend';
import type { Image } from '../engine/frame';
import type { KeptOutputs, OrtSession, RunOptions, SessionOptions } from './session';
import type { Feed, PlainTensor } from './tensor';

/** A tensor as KServe v2's JSON body carries it. */
interface V2Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: number[];
}

const wireTypes = {
  float32: ['FP32', Float32Array],
  int32: ['INT32', Int32Array],
  uint8: ['UINT8', Uint8Array],
} as const;
type WireType = keyof typeof wireTypes;

function toV2(name: string, t: PlainTensor): V2Tensor {
  const wire = wireTypes[t.type as WireType];
  if (!wire) throw new Error(`${t.type} is not on the wire in this test`);
  return { name, shape: [...t.dims], datatype: wire[0], data: Array.from(t.data as unknown as ArrayLike<number>) };
}

function fromV2(t: V2Tensor): PlainTensor {
  const [type, [, Array_]] = Object.entries(wireTypes).find(([, w]) => w[0] === t.datatype)!;
  return { type, dims: t.shape, data: Array_.from(t.data) };
}

/** Over the wire and back: what a remote backend's HTTP body does to a tensor. */
const overTheWire = <T>(body: T): T => JSON.parse(JSON.stringify(body)) as T;

/**
 * A backend that is not OrtRuntime: each run's plain tensors go out and come back as KServe v2 JSON bodies, as a
 * remote backend's would, to the graph served by an onnxruntime "on the far side". Kept tensors stay there.
 */
class WireBackend implements InferenceBackend {
  requests = 0;
  constructor(private readonly far: OrtRuntime) {}
  get executionProvider() {
    return this.far.executionProvider;
  }
  providerStatus = () => this.far.providerStatus();
  provider = () => this.far.provider();
  read = (h: Parameters<OrtRuntime['read']>[0]) => this.far.read(h);
  upload = (t: PlainTensor) => this.far.upload(t);
  release = (h: Parameters<OrtRuntime['release']>[0]) => this.far.release(h);
  transfers = () => this.far.transfers();
  handleStats = () => this.far.handleStats();
  close = () => this.far.close();

  async createSession(model: string | Uint8Array, options?: Partial<SessionOptions>): Promise<OrtSession> {
    const session = await this.far.createSession(model, options);
    const count = () => this.requests++;
    async function run(feeds: Record<string, Feed>): Promise<Record<string, PlainTensor>>;
    async function run<K extends string>(feeds: Record<string, Feed>, o: RunOptions<K>): Promise<KeptOutputs<K>>;
    async function run(feeds: Record<string, Feed>, o?: RunOptions) {
      count();
      const inputs = Object.entries(feeds).map(([name, t]) => (isHandle(t) ? { name, handle: t } : toV2(name, t)));
      const request = overTheWire({ inputs });
      const farFeeds = Object.fromEntries(
        request.inputs.map((t) => [t.name, 'handle' in t ? t.handle : fromV2(t as V2Tensor)]),
      );
      const out = await session.run(farFeeds, o ?? {});
      const outputs = Object.entries(out).map(([name, t]) => (isHandle(t) ? { name, handle: t } : toV2(name, t)));
      const response = overTheWire({ outputs });
      return Object.fromEntries(
        response.outputs.map((t) => [t.name, 'handle' in t ? t.handle : fromV2(t as V2Tensor)]),
      ) as Record<string, Feed>;
    }
    return {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      provider: session.provider,
      run,
      endProfiling: () => session.endProfiling(),
      release: () => session.release(),
    };
  }
}

/** neural-field loaded on `runtime` and rendered for `n` frames at 64x64, as the host would. */
async function render(runtime: InferenceBackend, n: number): Promise<Image[]> {
  const def = builtinPipelines.find((d) => d.id === 'neural-field')!;
  const size = { width: 64, height: 64 };
  const params = snapshotOf(def.params, size);
  const pipeline = def.create();
  const signal = new AbortController().signal;
  await pipeline.load({ ...size, params, progress: () => {}, runtime, signal, log: () => {} });
  const frames: Image[] = [];
  for (let i = 0; i < n; i++) {
    frames.push(await pipeline.render({ time: i / 30, dt: 1 / 30, frameIndex: i, ...size }, params));
  }
  await pipeline.unload();
  return frames;
}

describe('the inference-backend seam', () => {
  const runtimes: InferenceBackend[] = [];
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.close();
  });

  it('a pipeline renders the same frames through another backend, unchanged, every run going through it', async () => {
    const local = new OrtRuntime({ intraOpThreads: 1 });
    const wire = new WireBackend(new OrtRuntime({ intraOpThreads: 1 }));
    runtimes.push(local, wire);
    const [a, b] = [await render(local, 3), await render(wire, 3)];
    expect(wire.requests).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 3; i++) expect(Buffer.from(b[i]!.data).equals(Buffer.from(a[i]!.data))).toBe(true);
    // The picture moves: equal frames are not one frame repeated.
    expect(Buffer.from(a[0]!.data).equals(Buffer.from(a[2]!.data))).toBe(false);
  });
});
