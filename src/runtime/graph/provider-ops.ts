/**
 * The op-set table of each execution provider: what it has kernels for (and, where the source states it, for which
 * element types), and where that was read. A domain a table does not cover gets "not checked" for its operators,
 * never a guess. See docs/model-check.md for how each table was read.
 */
import { parseKernelList, parseKernelTypes } from './kernel-table';
import type { KernelTable, TypeTable } from './kernel-table';
import { coremlKernelList } from './tables/coreml-kernels';
import { cpuKernelList } from './tables/cpu-kernels';
import { cudaKernelList } from './tables/cuda-kernels';
import { dmlKernelList } from './tables/dml-kernels';
import { tensorrtKernelList } from './tables/tensorrt-kernels';
import { webgpuKernelList } from './tables/webgpu-kernels';

export type CheckProvider = 'cpu' | 'webgpu' | 'cuda' | 'tensorrt' | 'dml' | 'coreml';
export const checkProviders: readonly CheckProvider[] = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'dml', 'coreml'];

export interface ProviderOps {
  provider: CheckProvider;
  /** Kernels by domain; empty for a provider not tabulated. */
  kernels: KernelTable;
  /** The element types an op's main input may have, where the source states them (CPU, WebGPU, CUDA, TensorRT, CoreML). */
  types: TypeTable;
  /** The domains the table covers; an operator of another domain is "not checked". */
  covers: readonly string[];
  /** Where the table was read, with the onnxruntime version or commit. */
  source: string;
  /**
   * Whether a node this provider lacks can still run on the CPU provider in the same session (onnxruntime assigns
   * it there). True for every GPU provider; false for the CPU provider itself.
   */
  cpuFallback: boolean;
  /**
   * A provider registered after this one in the same session that takes the nodes this one lacks, on the same
   * GPU: CUDA beside TensorRT (src/runtime/providers.ts). Nodes it runs count as running.
   */
  alongside?: CheckProvider;
}

const lazy = <T>(make: () => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

const cpu = lazy(() => ({ kernels: parseKernelList(cpuKernelList), types: parseKernelTypes(cpuKernelList) }));
const webgpu = lazy(() => ({ kernels: parseKernelList(webgpuKernelList), types: parseKernelTypes(webgpuKernelList) }));
const cuda = lazy(() => ({ kernels: parseKernelList(cudaKernelList), types: parseKernelTypes(cudaKernelList) }));
const dml = lazy(() => parseKernelList(dmlKernelList));
const tensorrt = lazy(() => ({
  kernels: parseKernelList(tensorrtKernelList),
  types: parseKernelTypes(tensorrtKernelList),
}));
const coreml = lazy(() => ({ kernels: parseKernelList(coremlKernelList), types: parseKernelTypes(coremlKernelList) }));
const noTypes: TypeTable = new Map();

/** The table for `provider`. */
export function providerOps(provider: CheckProvider): ProviderOps {
  switch (provider) {
    case 'cpu':
      return {
        provider,
        ...cpu(),
        covers: ['', 'com.microsoft', 'ai.onnx.ml', 'com.microsoft.nchwc'],
        source: 'onnxruntime 1.30.0 registered kernels with their input 0 types (Python wheel, get_all_opkernel_def)',
        cpuFallback: false,
      };
    case 'webgpu':
      return {
        provider,
        ...webgpu(),
        covers: ['', 'com.microsoft'],
        source:
          "onnxruntime's WebGPU kernel registrations and type lists, each op and type held against onnxruntime-node 1.30's placement (webgpu-table.test.ts)",
        cpuFallback: true,
      };
    case 'cuda':
      return {
        provider,
        ...cuda(),
        covers: ['', 'com.microsoft'],
        source:
          'onnxruntime docs/OperatorKernels.md @001d12d2623f (ai.onnx, and the types) and cuda_contrib_kernels.cc @004b79eda305 (com.microsoft); types not checked on a device',
        cpuFallback: true,
      };
    case 'dml':
      return {
        provider,
        kernels: dml(),
        types: noTypes,
        covers: ['', 'com.microsoft', 'com.microsoft.dml'],
        source: 'onnxruntime docs/OperatorKernels.md @001d12d2623f (DmlExecutionProvider section)',
        cpuFallback: true,
      };
    case 'tensorrt':
      return {
        provider,
        ...tensorrt(),
        // The parser takes ONNX's own domain; a contrib operator goes to the CUDA provider beside it.
        covers: ['', 'com.microsoft'],
        source: 'onnx-tensorrt docs/operators.md @96e781103cfc (ONNX-TensorRT 10.1: opsets 9-20, with supported types)',
        cpuFallback: true,
        alongside: 'cuda',
      };
    case 'coreml':
      return {
        provider,
        ...coreml(),
        covers: ['', 'com.microsoft'],
        source:
          'onnxruntime tools/ci_build/github/apple/coreml_supported_mlprogram_ops.md @9969c9a116aa (ML Program) and the base op builder type check',
        cpuFallback: true,
      };
  }
}
