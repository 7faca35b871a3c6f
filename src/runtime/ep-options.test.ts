import { afterAll, describe, expect, it } from 'vitest';
import { epDefaults, epSettings, tensorrtCacheIn, unreachableOptions } from './ep-options';
import { GraphBuilder } from './graph-builder';
import { OrtRuntime } from './ort';

const runtimes: OrtRuntime[] = [];
afterAll(() => Promise.all(runtimes.map((r) => r.close())));

describe('epSettings', () => {
  it('turns TensorRT caches, fp16 and CUDA graphs into the variables its provider reads', () => {
    const { env } = epSettings('tensorrt', { ...epDefaults, tensorrtCacheDir: '/m/tensorrt-cache', cudaGraph: true });
    expect(env).toEqual({
      ORT_TENSORRT_FP16_ENABLE: '1',
      ORT_TENSORRT_CUDA_GRAPH_ENABLE: '1',
      ORT_TENSORRT_ENGINE_CACHE_ENABLE: '1',
      ORT_TENSORRT_TIMING_CACHE_ENABLE: '1',
      ORT_TENSORRT_CACHE_PATH: '/m/tensorrt-cache',
    });
    expect(epSettings('tensorrt', { ...epDefaults, tensorrtFp16: false }).env).toMatchObject({
      ORT_TENSORRT_FP16_ENABLE: '0',
      ORT_TENSORRT_ENGINE_CACHE_ENABLE: '0',
    });
    expect(tensorrtCacheIn('/models')).toBe('/models/tensorrt-cache');
  });

  it('asks WebGPU for graph capture through its config entry, and nothing of the other providers', () => {
    expect(epSettings('webgpu', { ...epDefaults, webgpuGraphCapture: true }).extra).toEqual({
      ep: { webgpuexecutionprovider: { enableGraphCapture: '1' } },
    });
    expect(epSettings('webgpu', epDefaults)).toEqual({ env: {}, extra: {} });
    expect(epSettings('cpu', { ...epDefaults, cudaGraph: true, webgpuGraphCapture: true })).toEqual({
      env: {},
      extra: {},
    });
  });

  it('gives WebGPU its own options only where they differ from onnxruntime’s defaults', () => {
    expect(epSettings('webgpu', { ...epDefaults, webgpuLayout: 'NCHW', webgpuValidation: 'disabled' })).toEqual({
      env: {},
      extra: {},
      provider: { preferredLayout: 'NCHW', validationMode: 'disabled' },
    });
    expect(epSettings('webgpu', { ...epDefaults, webgpuLayout: 'NHWC' }).provider).toBeUndefined();
    expect(epSettings('cpu', { ...epDefaults, webgpuLayout: 'NCHW' }).provider).toBeUndefined();
  });

  it('names what this build cannot pass', () => {
    expect(unreachableOptions('cuda', { ...epDefaults, cudaGraph: true })).toEqual([
      expect.stringMatching(/CUDA graph: .*no options but the device id/),
    ]);
    expect(unreachableOptions('cuda', epDefaults)).toEqual([]);
  });
});

describe('a WebGPU session with graph capture asked for', () => {
  it('still runs (and the log says the option was not applied)', async () => {
    const logs: string[] = [];
    const rt = new OrtRuntime({ device: 'webgpu', ep: { webgpuGraphCapture: true }, log: (m) => logs.push(m) });
    runtimes.push(rt);
    const g = new GraphBuilder('neg');
    g.output(g.op('Neg', [g.input('x', 'float', [2])]), 'y', 'float', [2]);
    const s = await rt.createSession(g.toBytes());
    const out = await s.run({ x: { type: 'float32', data: Float32Array.of(1, -2), dims: [2] } });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([-1, 2]);
    expect(logs.join('\n')).toMatch(/not applied: WebGPU graph capture/);
  });
});
