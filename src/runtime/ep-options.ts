/**
 * Execution-provider options that matter for speed, and the only doors onnxruntime-node 1.30 leaves open to them.
 * Its binding passes nothing but a device id to the CUDA and TensorRT providers, and reads the WebGPU provider's
 * options from `executionProviders[].{preferredLayout, …}` before `sessionOptions.extra` is applied. So:
 * - TensorRT caches, fp16 and CUDA graphs go through the ORT_TENSORRT_* environment variables, which the TensorRT
 *   provider reads when it was given no options of its own (whether the V2 options the binding passes count as
 *   "options of its own" decides if they work: the bench reports whether the cache folder filled up);
 * - WebGPU graph capture goes in as the session config entry the provider reads, which 1.30 reads too late (its
 *   verbose log says "WebGPU EP graph capture enable: 0"): kept so the bench measures it where a newer build
 *   takes it;
 * - the CUDA provider's own CUDA graph (enable_cuda_graph) has no door at all in 1.30;
 * - the WebGPU provider's layout for convolutions and its validation mode go in as the provider's own options
 *   (`{ name: 'webgpu', preferredLayout, validationMode }`), which the binding does read.
 */
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';

export interface EpOptions {
  /** TensorRT engine and timing caches in this folder (the first session builds engines for minutes). */
  tensorrtCacheDir: string | undefined;
  /** TensorRT builds float16 engines. */
  tensorrtFp16: boolean;
  /** CUDA graph capture through the TensorRT provider (static shapes only). */
  cudaGraph: boolean;
  /** WebGPU graph capture (static shapes, every input and output in GPU buffers). */
  webgpuGraphCapture: boolean;
  /**
   * The layout WebGPU runs layout-sensitive operators (Conv, pooling, Resize) in. onnxruntime's own default for this
   * provider is channels-last (NHWC: it transposes around them); NCHW keeps the graph's layout and fuses Conv with
   * its activation instead. Which is faster depends on the GPU: the bench measures both.
   */
  webgpuLayout: 'NCHW' | 'NHWC';
  /** WebGPU validation: 'basic' is onnxruntime's default; 'disabled' saves CPU time per dispatch, and a WebGPU error then can end the process. */
  webgpuValidation: 'basic' | 'wgpuOnly' | 'disabled' | 'full';
}

export const epDefaults: EpOptions = {
  tensorrtCacheDir: undefined,
  tensorrtFp16: true,
  cudaGraph: false,
  webgpuGraphCapture: false,
  webgpuLayout: 'NHWC',
  webgpuValidation: 'basic',
};

/** The default TensorRT cache folder, beside the models. */
export const tensorrtCacheIn = (modelsDir: string) => join(modelsDir, 'tensorrt-cache');

export interface EpSettings {
  env: Record<string, string>;
  extra: InferenceSession.SessionOptions['extra'];
  /** The provider's own options, where it takes any: the executionProviders entry becomes `{ name, ...these }`. */
  provider?: Record<string, string>;
}

/** What to set for `provider`: process environment variables, session config entries and provider options. */
export function epSettings(provider: string, o: EpOptions): EpSettings {
  if (provider === 'tensorrt') {
    const env: Record<string, string> = {
      ORT_TENSORRT_FP16_ENABLE: o.tensorrtFp16 ? '1' : '0',
      ORT_TENSORRT_CUDA_GRAPH_ENABLE: o.cudaGraph ? '1' : '0',
      ORT_TENSORRT_ENGINE_CACHE_ENABLE: o.tensorrtCacheDir ? '1' : '0',
      ORT_TENSORRT_TIMING_CACHE_ENABLE: o.tensorrtCacheDir ? '1' : '0',
    };
    if (o.tensorrtCacheDir) env.ORT_TENSORRT_CACHE_PATH = o.tensorrtCacheDir;
    return { env, extra: {} };
  }
  if (provider === 'webgpu') {
    const own: Record<string, string> = {};
    if (o.webgpuLayout !== epDefaults.webgpuLayout) own.preferredLayout = o.webgpuLayout;
    if (o.webgpuValidation !== epDefaults.webgpuValidation) own.validationMode = o.webgpuValidation;
    return {
      env: {},
      extra: o.webgpuGraphCapture ? { ep: { webgpuexecutionprovider: { enableGraphCapture: '1' } } } : {},
      ...(Object.keys(own).length ? { provider: own } : {}),
    };
  }
  return { env: {}, extra: {} };
}

/** Options the build cannot pass for `provider`, as sentences for the log and the bench. */
export function unreachableOptions(provider: string, o: EpOptions): string[] {
  const out: string[] = [];
  if (provider === 'cuda' && o.cudaGraph) {
    out.push('CUDA graph: onnxruntime-node 1.30 passes the CUDA provider no options but the device id');
  }
  if (provider === 'webgpu' && o.webgpuGraphCapture) {
    out.push('WebGPU graph capture: onnxruntime-node 1.30 reads the provider options before the session config entry');
  }
  return out;
}
