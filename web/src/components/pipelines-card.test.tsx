// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelinesCard } from './pipelines-card';
import { WithPanel, fakePanel } from '../test-support';
import type { PipelineInfo, PipelineStatus } from '../../../src/shared/api';
import { modelLines } from '../services';
import type { ModelLine } from '../services';

afterEach(cleanup);

const loadable = { ok: true, reason: null, fix: null };

/** neural-field loaded and rendering on the CPU: the status each test below changes what it is about in. */
const ready: PipelineStatus = {
  state: 'ready',
  phase: 'ready',
  reason: 'rendering',
  transitions: [],
  warm: [],
  lastLoadError: null,
  warnings: [],
  pipelineId: 'neural-field',
  stage: null,
  progress: null,
  error: null,
  retryInMs: null,
  loadedAt: null,
  executionProvider: 'cpu',
  executionProviderReason: null,
};
const pipeline = (id: string, can: PipelineInfo['loadable'] = loadable): PipelineInfo =>
  ({
    id,
    name: id,
    description: `${id} pipeline`,
    schema: { type: 'object', properties: {} },
    active: false,
    loadable: can,
  }) as never;

const line = (over: Partial<ModelLine>): ModelLine => ({
  id: 'sd-turbo',
  pipeline: 'streamdiffusion',
  state: 'missing',
  size: '≈2.6 GB',
  fraction: null,
  error: null,
  runs: null,
  ...over,
});

function show(
  models: ModelLine[],
  download: (m: string) => void = () => {},
  status: PipelineStatus | null = null,
  pipelines = [pipeline('neural-field'), pipeline('streamdiffusion')],
) {
  const { ctx } = fakePanel();
  return render(
    <WithPanel ctx={ctx}>
      <PipelinesCard pipelines={pipelines} active="neural-field" status={status} models={models} download={download} />
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

  it('says where each variant of a model runs, each with its own Download button', () => {
    const asked: string[] = [];
    const { container } = show(
      [
        line({ id: 'sd-turbo@webgpu', runs: 'whole on cpu, webgpu, cuda, dml' }),
        line({ id: 'sd-turbo@olive-cuda', runs: 'whole on cuda; lowered on cpu, webgpu, dml' }),
      ],
      (m) => asked.push(m),
    );
    const row = (id: string) => container.querySelector(`[data-model="${id}"]`)!.textContent;
    expect(row('sd-turbo@webgpu')).toContain('runs whole on cpu, webgpu, cuda, dml');
    expect(row('sd-turbo@olive-cuda')).toContain('runs whole on cuda; lowered on cpu, webgpu, dml');
    fireEvent.click(screen.getByRole('button', { name: 'download sd-turbo@olive-cuda' }));
    expect(asked).toEqual(['sd-turbo@olive-cuda']);
  });
});

describe('PipelinesCard ControlNet exports', () => {
  it('says which are here and, for a missing one, the exporter command instead of a Download button', () => {
    const command =
      'python tools/sd-variants-export/export.py --controlnet canny --out /m/exported/sd-turbo-controlnet';
    const status = {
      dir: '/m',
      models: [],
      exports: [
        {
          id: 'sd-turbo-controlnet-depth',
          pipeline: 'streamdiffusion',
          of: 'sd-turbo',
          description: 'depth',
          state: 'ready',
          missing: [],
          command: 'x',
        },
        {
          id: 'sd-turbo-controlnet-canny',
          pipeline: 'streamdiffusion',
          of: 'sd-turbo',
          description: 'canny',
          state: 'missing',
          missing: ['exported/sd-turbo-controlnet/controlnet_canny/model.onnx'],
          command,
        },
      ],
    };
    const { container } = show(modelLines(status));
    const row = (id: string) => container.querySelector(`[data-pipeline="streamdiffusion"] [data-model="${id}"]`)!;
    expect(row('sd-turbo-controlnet-depth').textContent).toContain('ready (for sd-turbo)');
    const missing = row('sd-turbo-controlnet-canny');
    expect(missing.querySelector('[data-reason="not-exported"]')!.textContent).toContain('controlnet_canny/model.onnx');
    expect(missing.querySelector('code')!.textContent).toBe(command);
    expect(screen.queryByRole('button', { name: /download sd-turbo-controlnet/ })).toBeNull();
  });
});

describe('PipelinesCard device', () => {
  it('shows the execution provider with the reason it was chosen', () => {
    const status: PipelineStatus = {
      ...ready,
      executionProviderReason:
        'auto: no GPU execution provider for this machine; the only WebGPU adapter is the software one llvmpipe',
    };
    const { container } = show([], () => {}, status);
    const device = container.querySelector('[data-device="cpu"]')!;
    expect(device.textContent).toContain('on cpu');
    expect(device.textContent).toContain('the only WebGPU adapter is the software one llvmpipe');
  });
});

describe('PipelinesCard loads that cannot succeed', () => {
  it('greys out a pipeline that cannot load here, with the reason and the command that fixes it', () => {
    const refused = {
      ok: false,
      reason: 'streamdiffusion needs sd-turbo (≈2.6 GB): run `daydream-scope download sd-turbo`',
      fix: 'daydream-scope download sd-turbo',
    };
    const { container } = show([], () => {}, ready, [pipeline('neural-field'), pipeline('streamdiffusion', refused)]);
    const item = container.querySelector('[data-pipeline="streamdiffusion"]')!;
    expect(item.classList.contains('unavailable')).toBe(true);
    const button = screen.getByRole('button', { name: 'load streamdiffusion' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(item.querySelector('[data-reason="cannot-load"]')!.textContent).toContain('needs sd-turbo (≈2.6 GB)');
    expect(item.querySelector('code')!.textContent).toBe('daydream-scope download sd-turbo');
    expect(container.querySelector('[data-pipeline="neural-field"]')!.classList.contains('unavailable')).toBe(false);
  });

  it('shows on its card a load that failed and fell back, while the pipeline before it goes on', () => {
    const failed = {
      pipelineId: 'streamdiffusion',
      phase: 'first render' as const,
      message: 'the UNet session threw',
      at: '2026-01-01T00:00:00.000Z',
    };
    const { container } = show([], () => {}, { ...ready, lastLoadError: failed });
    const alert = container.querySelector('[data-pipeline="streamdiffusion"] [data-reason="load-failed"]')!;
    expect(alert.textContent).toContain('Could not load (first render): the UNet session threw; neural-field went on');
    expect(container.querySelector('[data-pipeline="neural-field"] .state')!.textContent).toBe('ready');
  });

  it('shows on the running pipeline what it refused on a live change, and nothing once it is cleared', () => {
    const sentence = 'LoRA change to broken refused, style goes on: broken.safetensors is not a safetensors file';
    const running = { ...ready, pipelineId: 'streamdiffusion' };
    const { container, rerender } = show([], () => {}, { ...running, warnings: [sentence] });
    const warning = container.querySelector('[data-pipeline="streamdiffusion"] [data-reason="pipeline-warning"]');
    expect(warning?.textContent).toBe(sentence);
    expect(container.querySelector('[data-pipeline="neural-field"] [data-reason="pipeline-warning"]')).toBeNull();
    const { ctx } = fakePanel();
    rerender(
      <WithPanel ctx={ctx}>
        <PipelinesCard
          pipelines={[pipeline('neural-field'), pipeline('streamdiffusion')]}
          active="streamdiffusion"
          status={running}
          models={[]}
          download={() => {}}
        />
      </WithPanel>,
    );
    expect(container.querySelector('[data-reason="pipeline-warning"]')).toBeNull();
  });
});
