// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthCard } from './health-card';
import type { PipelineStatus } from '../../../src/shared/api';
import type { MemoryStats } from '../../../src/shared/memory';

afterEach(cleanup);

const MB = 1024 ** 2;
const GB = 1024 ** 3;

const status: PipelineStatus = {
  state: 'error',
  phase: 'crashed',
  reason: 'its onnxruntime process crashed (SIGABRT: a native abort); restarting in 250 ms',
  pipelineId: 'neural-field',
  stage: null,
  progress: null,
  error: { message: 'crashed', during: 'render', at: '2026-01-01T20:00:01.000Z', consecutive: 1 },
  retryInMs: 250,
  lastLoadError: null,
  warnings: [],
  loadedAt: null,
  executionProvider: 'cpu',
  executionProviderReason: null,
  transitions: [
    {
      from: 'loading',
      to: 'ready',
      event: 'loaded',
      reason: 'loaded in 120 ms',
      at: '2026-01-01T20:00:00.000Z',
      failures: 0,
    },
    {
      from: 'ready',
      to: 'crashed',
      event: 'runtime-lost',
      reason: 'its onnxruntime process crashed (SIGABRT: a native abort); restarting in 250 ms',
      at: '2026-01-01T20:00:01.000Z',
      failures: 1,
    },
  ],
  warm: ['depth'],
};

const memory: MemoryStats = {
  server: { rss: 300 * MB, heapUsed: 80 * MB },
  pipelines: [
    {
      id: 'neural-field',
      role: 'active',
      pid: 42,
      rss: 700 * MB,
      gpu: 512 * MB,
      keptTensors: { count: 2, bytes: 4 * MB },
    },
    { id: 'depth', role: 'warm', pid: 43, rss: 1.5 * GB, gpu: null, keptTensors: { count: 0, bytes: 0 } },
  ],
  total: 300 * MB + 700 * MB + 1.5 * GB,
  budget: 4 * GB,
  system: { total: 16 * GB, free: 8 * GB },
  gpu: [{ name: 'NVIDIA H200', used: 2 * GB, total: 140 * GB }],
  webgpu: null,
  sampledAt: '2026-01-01T20:00:02.000Z',
};

describe('HealthCard', () => {
  it("shows the watchdog's phase with its reason, and the transitions newest first", () => {
    const { container } = render(<HealthCard status={status} memory={null} />);
    expect(screen.getByTestId('watchdog').textContent).toBe(`crashed ${status.reason}`);
    const items = [...container.querySelectorAll('[aria-label="watchdog transitions"] li')].map((li) => li.textContent);
    expect(items).toEqual([`20:00:01 ready → crashed: ${status.reason}`, '20:00:00 loading → ready: loaded in 120 ms']);
  });

  it('shows memory against the budget, each pipeline with its role, and the GPU', () => {
    const { container } = render(<HealthCard status={null} memory={memory} />);
    expect(screen.getByTestId('memory-total').textContent).toBe('2.5 GB of 4.0 GB budget · server 300 MB');
    expect(container.querySelector('[data-memory-pipeline="neural-field"]')!.textContent).toBe(
      'neural-field (active) 700 MB · GPU 512 MB · 4.0 MB kept tensors',
    );
    expect(container.querySelector('[data-memory-pipeline="depth"]')!.textContent).toBe('depth (warm) 1.5 GB');
    expect(container.textContent).toContain('NVIDIA H200: 2.0 GB of 140 GB');
  });

  it('marks memory past 90 % of the budget', () => {
    render(<HealthCard status={null} memory={{ ...memory, total: 3.8 * GB }} />);
    expect(screen.getByTestId('memory-total').className).toBe('warn');
  });
});
