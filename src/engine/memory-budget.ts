/**
 * The memory budget (`--memory-budget`): what the server and its pipelines' processes may hold together. Each
 * pipeline's footprint is measured after it loads (its own process's resident memory, and its GPU memory where
 * nvidia-smi says) and remembered per load-time settings, so the next load of it is known before it starts: one
 * that cannot fit is refused with a sentence saying what to free, instead of running the machine out of memory.
 */
import { ScopeError } from '../kernel/errors';
import { BINARY, formatBytes } from '../shared/bytes';
import type { LoadRequest } from './host-types';
import type { MemoryStats } from '../shared/memory';

export interface Footprint {
  rss: number;
  gpu: number | null;
}

const GB = 1024 ** 3;
const MB = 1024 ** 2;

/** Parses `4GB`, `512MB`, `2.5G`, `4096` (megabytes) into bytes; undefined when it is not a size. */
export function parseBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g|t)?i?b?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'm').toLowerCase();
  const scale = { k: 1024, m: MB, g: GB, t: 1024 * GB }[unit]!;
  return Math.round(Number(m[1]) * scale);
}

export class MemoryBudget {
  private readonly known = new Map<string, Footprint>();

  /** `limit`: bytes, or null for no budget (the figures are still measured and shown). */
  constructor(public limit: number | null) {}

  remember(id: string, key: string, footprint: Footprint): void {
    this.known.set(`${id}\n${key}`, footprint);
  }

  footprint(id: string, key: string): Footprint | undefined {
    return this.known.get(`${id}\n${key}`);
  }

  /**
   * Admits a load, or throws `memory_budget` saying what to free. Answers how many warm pipelines (least recently
   * used first) to unload before it starts, so that it fits. A pipeline never measured is admitted: its first load
   * is what measures it.
   */
  admit(request: LoadRequest, sample: MemoryStats | null): number {
    const need = this.footprint(request.id, request.key);
    if (!need || !sample) return 0;
    // What stays whatever is unloaded: the server itself.
    const floor = sample.server.rss;
    if (this.limit !== null && floor + need.rss > this.limit) {
      throw new ScopeError(
        'memory_budget',
        `loading ${request.id} needs about ${formatBytes(need.rss, BINARY)} (what it took when last loaded with ` +
          `these settings) and the server itself holds ${formatBytes(floor, BINARY)}: that does not fit the memory ` +
          `budget of ${formatBytes(this.limit, BINARY)} even with every other pipeline unloaded. Raise ` +
          `--memory-budget to at least ${formatBytes(floor + need.rss, BINARY)}, or load it with smaller load-time ` +
          `settings (width, height).`,
      );
    }
    this.checkGpu(request.id, need, sample);
    if (this.limit === null) return 0;
    const warm = request.warm.map((p) => sample.pipelines.find((m) => m.role === 'warm' && m.id === p.id));
    return warmToEvict(sample.total + need.rss - this.limit, warm).count;
  }

  private checkGpu(id: string, need: Footprint, sample: MemoryStats): void {
    if (!need.gpu || !sample.gpu || sample.gpu.length === 0) return;
    const ours = sample.pipelines.reduce((sum, p) => sum + (p.gpu ?? 0), 0);
    const free = sample.gpu.reduce((sum, d) => sum + d.total - d.used, 0) + ours;
    if (need.gpu <= free) return;
    const others = sample.gpu.reduce((sum, d) => sum + d.used, 0) - ours;
    throw new ScopeError(
      'memory_budget',
      `loading ${id} needs about ${formatBytes(need.gpu, BINARY)} of GPU memory and only ` +
        `${formatBytes(free, BINARY)} would be free with every other pipeline unloaded; other programs hold ` +
        `${formatBytes(others, BINARY)} of it. Close them, ` +
        `or load it with smaller load-time settings (width, height).`,
    );
  }
}

/**
 * How many of the warm pipelines (least recently used first, as they are unloaded) must go to free `excess` bytes,
 * and the excess left after that (above 0 when there are not enough).
 */
export function warmToEvict(
  excess: number,
  warm: readonly ({ rss: number | null } | undefined)[],
): { count: number; left: number } {
  let count = 0;
  for (const p of warm) {
    if (excess <= 0) break;
    excess -= p?.rss ?? 0;
    count++;
  }
  return { count, left: excess };
}
