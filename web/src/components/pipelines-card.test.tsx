// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelinesCard } from './pipelines-card';
import { WithPanel, fakePanel } from '../test-support';
import type { PipelineInfo, PipelineStatus } from '../../../src/shared/api';
import type { ModelLine } from '../services';

afterEach(cleanup);

const pipeline = (id: string): PipelineInfo =>
  ({ id, name: id, description: `${id} pipeline`, schema: { type: 'object', properties: {} }, active: false }) as never;

const line = (over: Partial<ModelLine>): ModelLine => ({
  id: 'sd-turbo',
  pipeline: 'streamdiffusion',
  state: 'missing',
  size: '≈2.6 GB',
  fraction: null,
  error: null,
  ...over,
});

function show(models: ModelLine[], download: (m: string) => void = () => {}, status: PipelineStatus | null = null) {
  const { ctx } = fakePanel();
  return render(
    <WithPanel ctx={ctx}>
      <PipelinesCard
        pipelines={[pipeline('neural-field'), pipeline('streamdiffusion')]}
        active="neural-field"
        status={status}
        models={models}
        download={download}
      />
    </WithPanel>,
  );
}

describe('PipelinesCard model files', () => {
  it('lists a model under its own pipeline, with its size and a Download button that starts it', () => {
    const asked: string[] = [];
    const { container } = show([line({})], (m) => asked.push(m));
    expect(container.querySelector('[data-pipeline="neural-field"] [data-model]')).toBeNull();
    const row = container.querySelector('[data-pipeline="streamdiffusion"] [data-model="sd-turbo"]')!;
    expect(row.textContent).toContain('≈2.6 GB');
    fireEvent.click(screen.getByRole('button', { name: 'download sd-turbo' }));
    expect(asked).toEqual(['sd-turbo']);
  });

  it('shows progress while downloading, "ready" when done, and the error with a Retry', () => {
    const { container } = show([line({ state: 'downloading', fraction: 0.25, size: '650.0 MB of 2.6 GB' })]);
    expect(container.querySelector('[role="progressbar"]')!.getAttribute('aria-valuenow')).toBe('25');
    expect(screen.queryByRole('button', { name: 'download sd-turbo' })).toBeNull();
    cleanup();
    show([line({ state: 'error', error: 'could not download: network' })]);
    expect(screen.getByRole('button', { name: 'download sd-turbo' }).textContent).toBe('Retry');
    expect(screen.getByText('could not download: network')).toBeTruthy();
  });
});

describe('PipelinesCard device', () => {
  it('shows the execution provider with the reason it was chosen', () => {
    const status: PipelineStatus = {
      state: 'ready',
      phase: 'ready',
      reason: 'rendering',
      transitions: [],
      warm: [],
      pipelineId: 'neural-field',
      stage: null,
      progress: null,
      error: null,
      retryInMs: null,
      loadedAt: null,
      executionProvider: 'cpu',
      executionProviderReason:
        'auto: no GPU execution provider for this machine; the only WebGPU adapter is the software one llvmpipe',
    };
    const { container } = show([], () => {}, status);
    const device = container.querySelector('[data-device="cpu"]')!;
    expect(device.textContent).toContain('on cpu');
    expect(device.textContent).toContain('the only WebGPU adapter is the software one llvmpipe');
  });
});
