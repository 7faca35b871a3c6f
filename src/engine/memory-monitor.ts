/**
 * Watches memory every few seconds: the server's own, each loaded pipeline's onnxruntime process (crash isolation
 * gives each its own), the tensors onnxruntime keeps for them, GPU memory where nvidia-smi answers, the WebGPU
 * adapter's limits. Past the budget it unloads warm pipelines, least recently used first; a pipeline whose process
 * keeps growing past it (a leak) is restarted. It says so before the machine runs out, never after.
 */
import { freemem, totalmem } from 'node:os';
import { warmToEvict } from './memory-budget';
import { BINARY, formatBytes } from '../shared/bytes';
import type { MemoryBudget } from './memory-budget';
import type { PipelineHost } from './host';
import type { LoadedPipeline } from './loaded-pipeline';
import { rssOf } from '../runtime/process-memory';
import type { NvidiaSmi } from '../runtime/process-memory';
import type { OrtRuntime } from '../runtime/ort';
import type { Timers } from '../kernel/timers';
import type { MemoryStats, PipelineMemory } from '../shared/memory';

export interface MemoryMonitorOptions {
  host: PipelineHost;
  /** The shared runtime: its provider facts name the WebGPU adapter. */
  runtime: OrtRuntime;
  budget: MemoryBudget;
  timers: Timers;
  intervalMs: number;
  log: (message: string) => void;
  /** nvidia-smi, or null where GPU memory is not asked for. */
  gpu: NvidiaSmi | null;
}

export class MemoryMonitor {
  private latest: MemoryStats | null = null;
  private cancel: (() => void) | undefined;
  private sampling: Promise<MemoryStats> | undefined;
  private readonly unmeasured = new WeakSet<LoadedPipeline>();
  private warned = new Set<string>();

  constructor(private readonly o: MemoryMonitorOptions) {}

  /** The last sample; null before the first. */
  snapshot(): MemoryStats | null {
    return this.latest;
  }

  start(): void {
    const tick = () => {
      this.cancel = this.o.timers.after(this.o.intervalMs, () => void this.sample().finally(tick));
    };
    void this.sample().finally(tick);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** A pipeline just loaded: its footprint is taken at the next sample and remembered for its next load. */
  loaded(p: LoadedPipeline): void {
    this.unmeasured.add(p);
  }

  /** Measures now, then acts on the budget; one sample at a time. */
  sample(): Promise<MemoryStats> {
    this.sampling ??= this.measure()
      .then(async (stats) => {
        this.latest = stats;
        await this.enforce(stats);
        return stats;
      })
      .finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private async measure(): Promise<MemoryStats> {
    const { active, warm } = this.o.host.loaded();
    const gpu = await this.o.gpu?.read().catch(() => null);
    const loaded = [
      ...(active ? [{ p: active, role: 'active' as const }] : []),
      ...warm.map((p) => ({ p, role: 'warm' as const })),
    ];
    const pipelines: PipelineMemory[] = [];
    for (const { p, role } of loaded) {
      const pid = p.ownsRuntime ? (p.runtime.pid ?? null) : null;
      const rss = pid === null ? null : ((await rssOf(pid)) ?? null);
      const onGpu = pid === null ? null : (gpu?.processes.get(pid) ?? null);
      pipelines.push({ id: p.id, role, pid, rss, gpu: onGpu, keptTensors: p.runtime.handleStats() });
      if (this.unmeasured.has(p) && rss !== null) {
        this.unmeasured.delete(p);
        this.o.budget.remember(p.id, p.key, { rss, gpu: onGpu });
      }
    }
    const server = process.memoryUsage();
    const webgpu = this.o.runtime.providerFacts()?.webgpu?.adapter ?? null;
    return {
      server: { rss: server.rss, heapUsed: server.heapUsed },
      pipelines,
      total: server.rss + pipelines.reduce((sum, p) => sum + (p.rss ?? 0), 0),
      budget: this.o.budget.limit,
      system: { total: totalmem(), free: freemem() },
      gpu: gpu ? gpu.devices.map((d) => ({ name: d.name, used: d.usedBytes, total: d.totalBytes })) : null,
      webgpu: webgpu
        ? {
            adapter: webgpu.name,
            deviceMemory: webgpu.deviceMemory ?? null,
            maxStorageBuffer: webgpu.maxStorageBuffer ?? null,
          }
        : null,
      sampledAt: new Date().toISOString(),
    };
  }

  private async enforce(s: MemoryStats): Promise<void> {
    this.warnOnce(
      'system',
      s.system.free < s.system.total * 0.05,
      () =>
        `memory: the system has only ${formatBytes(s.system.free, BINARY)} of ${formatBytes(s.system.total, BINARY)} free`,
    );
    const limit = this.o.budget.limit;
    if (limit === null) return;
    this.warnOnce(
      'near',
      s.total > limit * 0.9,
      () =>
        `memory: ${formatBytes(s.total, BINARY)} in use, ${Math.round((s.total / limit) * 100)} % of the budget of ${formatBytes(limit, BINARY)}`,
    );
    const over = s.total - limit;
    if (over <= 0) return this.warnOnce('over', false, () => '');
    const evict = warmToEvict(
      over,
      s.pipelines.filter((p) => p.role === 'warm'),
    );
    const why = `over the memory budget (${formatBytes(s.total, BINARY)} of ${formatBytes(limit, BINARY)})`;
    if (evict.count > 0) await this.o.host.evictWarm(evict.count, why);
    if (evict.left <= 0) return;
    const active = s.pipelines.find((p) => p.role === 'active');
    const loaded = this.o.host.loaded().active;
    const footprint = loaded && this.o.budget.footprint(loaded.id, loaded.key);
    const floor = s.server.rss;
    // Restarting helps when it grew (a leak); a pipeline that never fitted would only restart again.
    if (active?.rss && footprint && floor + footprint.rss <= limit) {
      this.o.host.restartActive(
        `its onnxruntime process grew to ${formatBytes(active.rss, BINARY)} ` +
          `(${formatBytes(footprint.rss, BINARY)} after loading), ` +
          `taking the total past the memory budget of ${formatBytes(limit, BINARY)}`,
      );
      return;
    }
    this.warnOnce('over', true, () => `memory: ${why}, and nothing more can be unloaded`);
  }

  /** Logs `message` when `condition` becomes true, once, until it is false again. */
  private warnOnce(key: string, condition: boolean, message: () => string): void {
    if (!condition) {
      this.warned.delete(key);
      return;
    }
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.o.log(message());
  }
}
