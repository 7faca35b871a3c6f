import { describe, expect, it } from 'vitest';
import { MemoryBudget, parseBytes } from './memory-budget';
import type { LoadRequest } from './host-types';
import type { LoadedPipeline } from './loaded-pipeline';
import type { MemoryStats, PipelineMemory } from '../shared/memory';

const MB = 1024 ** 2;
const GB = 1024 ** 3;

describe('parseBytes', () => {
  it.each([
    ['4GB', 4 * GB],
    ['512MB', 512 * MB],
    ['2.5G', 2.5 * GB],
    ['4096', 4096 * MB],
    ['1 GiB', GB],
  ])('reads %j', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it.each(['', 'lots', '0x10', '-1GB', '4 PB'])('refuses %j', (text) => {
    expect(parseBytes(text)).toBeUndefined();
  });
});

/** Only the id of a loaded pipeline matters to the budget. */
const loaded = (id: string) => ({ id }) as LoadedPipeline;
const request = (id: string, warm: string[]): LoadRequest => ({
  id,
  key: '512x512',
  active: loaded('active'),
  warm: warm.map(loaded),
});
const pipe = (id: string, role: 'active' | 'warm', rss: number, gpu: number | null = null): PipelineMemory => ({
  id,
  role,
  pid: 1,
  rss,
  gpu,
  keptTensors: { count: 0, bytes: 0 },
});
function sample(server: number, pipelines: PipelineMemory[], gpu: MemoryStats['gpu'] = null): MemoryStats {
  return {
    server: { rss: server, heapUsed: 0 },
    pipelines,
    total: server + pipelines.reduce((s, p) => s + (p.rss ?? 0), 0),
    budget: null,
    system: { total: 64 * GB, free: 32 * GB },
    gpu,
    webgpu: null,
    sampledAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('MemoryBudget.admit', () => {
  it('admits a pipeline never measured: its first load measures it', () => {
    expect(new MemoryBudget(GB).admit(request('big', []), sample(900 * MB, []))).toBe(0);
  });

  it('unloads the least recently used warm pipelines until the load fits', () => {
    const budget = new MemoryBudget(2 * GB);
    budget.remember('big', '512x512', { rss: 800 * MB, gpu: null });
    const s = sample(200 * MB, [
      pipe('active', 'active', 400 * MB),
      pipe('a', 'warm', 300 * MB),
      pipe('b', 'warm', 300 * MB),
    ]);
    // 1.2 GB in use + 800 MB = 2.0 GB: fits exactly, nothing to unload.
    expect(budget.admit(request('big', ['a', 'b']), s)).toBe(0);
    budget.remember('big', '512x512', { rss: 1100 * MB, gpu: null });
    expect(budget.admit(request('big', ['a', 'b']), s)).toBe(1);
    budget.remember('big', '512x512', { rss: 1400 * MB, gpu: null });
    expect(budget.admit(request('big', ['a', 'b']), s)).toBe(2);
  });

  it('refuses a load that cannot fit even with every pipeline unloaded, saying what to free', () => {
    const budget = new MemoryBudget(GB);
    budget.remember('big', '512x512', { rss: 900 * MB, gpu: null });
    const s = sample(300 * MB, [pipe('active', 'active', 100 * MB)]);
    expect(() => budget.admit(request('big', []), s)).toThrow(
      /loading big needs about 900 MB .* the server itself holds 300 MB: .* budget of 1\.0 GB .* Raise --memory-budget to at least 1\.2 GB/,
    );
  });

  it('refuses a load whose GPU memory is held by other programs', () => {
    const budget = new MemoryBudget(null);
    budget.remember('big', '512x512', { rss: 100 * MB, gpu: 6 * GB });
    const s = sample(
      300 * MB,
      [pipe('active', 'active', 100 * MB, GB)],
      [{ name: 'GPU', used: 7 * GB, total: 8 * GB }],
    );
    expect(() => budget.admit(request('big', []), s)).toThrow(
      /needs about 6\.0 GB of GPU memory and only 2\.0 GB would be free .* other programs hold 6\.0 GB/,
    );
  });

  it('with no budget, measures but never unloads', () => {
    const budget = new MemoryBudget(null);
    budget.remember('big', '512x512', { rss: 100 * GB, gpu: null });
    expect(budget.admit(request('big', ['a']), sample(GB, [pipe('a', 'warm', GB)]))).toBe(0);
  });
});
