/**
 * The op-set table of each execution provider: what it has kernels for, and where that was read. A provider whose
 * table is not kept here (or a domain its table does not cover) gets "not checked" for those operators, never a
 * guess. See docs/model-check.md for how each table was read.
 */
import { parseKernelList } from './kernel-table';
import type { KernelTable } from './kernel-table';
import { cpuKernelList } from './tables/cpu-kernels';
import { cudaKernelList } from './tables/cuda-kernels';
import { dmlKernelList } from './tables/dml-kernels';
import { webgpuKernelList } from './tables/webgpu-kernels';

export type CheckProvider = 'cpu' | 'webgpu' | 'cuda' | 'tensorrt' | 'dml' | 'coreml';
export const checkProviders: readonly CheckProvider[] = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'dml', 'coreml'];

export interface ProviderOps {
  provider: CheckProvider;
  /** Kernels by domain; empty for a provider not tabulated. */
  kernels: KernelTable;
  /** The domains the table covers; an operator of another domain is "not checked". */
  covers: readonly string[];
  /** Where the table was read, with the onnxruntime version or commit. */
  source: string;
  /**
   * Whether a node this provider lacks can still run on the CPU provider in the same session (onnxruntime assigns
   * it there). True for every GPU provider; false for the CPU provider itself.
   */
  cpuFallback: boolean;
}

const lazy = <T>(make: () => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

const cpu = lazy(() => parseKernelList(cpuKernelList));
const webgpu = lazy(() => parseKernelList(webgpuKernelList));
const cuda = lazy(() => parseKernelList(cudaKernelList));
const dml = lazy(() => parseKernelList(dmlKernelList));
const none: KernelTable = new Map();

/** The table for `provider`. */
export function providerOps(provider: CheckProvider): ProviderOps {
  switch (provider) {
    case 'cpu':
      return {
        provider,
        kernels: cpu(),
        covers: ['', 'com.microsoft', 'ai.onnx.ml', 'com.microsoft.nchwc'],
        source: 'onnxruntime 1.30.0 registered kernels (Python wheel, get_all_opkernel_def)',
        cpuFallback: false,
      };
    case 'webgpu':
      return {
        provider,
        kernels: webgpu(),
        covers: ['', 'com.microsoft'],
        source:
          'onnxruntime webgpu_execution_provider.cc @003f772b21ab (ai.onnx) and webgpu_contrib_kernels.cc @01671d9c4e01 (com.microsoft)',
        cpuFallback: true,
      };
    case 'cuda':
      return {
        provider,
        kernels: cuda(),
        covers: ['', 'com.microsoft'],
        source:
          'onnxruntime docs/OperatorKernels.md @001d12d2623f (ai.onnx) and cuda_contrib_kernels.cc @004b79eda305 (com.microsoft)',
        cpuFallback: true,
      };
    case 'dml':
      return {
        provider,
        kernels: dml(),
        covers: ['', 'com.microsoft', 'com.microsoft.dml'],
        source: 'onnxruntime docs/OperatorKernels.md @001d12d2623f (DmlExecutionProvider section)',
        cpuFallback: true,
      };
    default:
      return { provider, kernels: none, covers: [], source: `no table kept for ${provider}`, cpuFallback: true };
  }
}
