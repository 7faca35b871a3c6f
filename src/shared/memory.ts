/** The memory figures of GET /api/v1/stats (`memory`) and the panel: bytes, where the platform says. */
import { z } from 'zod';

export const pipelineMemorySchema = z.object({
  id: z.string(),
  role: z.enum(['active', 'warm']),
  /** Its onnxruntime process (crash isolation); null when its sessions run inside the server. */
  pid: z.number().nullable(),
  /** Resident memory of that process. */
  rss: z.number().nullable(),
  /** GPU memory of that process (nvidia-smi). */
  gpu: z.number().nullable(),
  /** Tensors onnxruntime keeps for it between runs (handles): the part of onnxruntime's memory that is visible. */
  keptTensors: z.object({ count: z.number(), bytes: z.number() }),
});
export type PipelineMemory = z.infer<typeof pipelineMemorySchema>;

export const memoryStatsSchema = z.object({
  server: z.object({ rss: z.number(), heapUsed: z.number() }),
  pipelines: z.array(pipelineMemorySchema),
  /** The server and the pipelines' processes together: what `--memory-budget` is measured against. */
  total: z.number(),
  budget: z.number().nullable(),
  system: z.object({ total: z.number(), free: z.number() }),
  /** Per GPU, from nvidia-smi; null where there is no NVIDIA driver. */
  gpu: z.array(z.object({ name: z.string(), used: z.number(), total: z.number() })).nullable(),
  /** The WebGPU adapter and its limits, where the WebGPU probe ran (`--device webgpu`, or auto without CUDA). */
  webgpu: z
    .object({
      adapter: z.string(),
      /** Device-local memory the adapter reports (Vulkan heaps). */
      deviceMemory: z.number().nullable(),
      /** The largest storage buffer one binding may be. */
      maxStorageBuffer: z.number().nullable(),
    })
    .nullable(),
  sampledAt: z.string(),
});
export type MemoryStats = z.infer<typeof memoryStatsSchema>;
