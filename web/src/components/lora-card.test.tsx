// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoraCard } from './lora-card';
import { HttpError } from '../client';
import type { LorasResponse } from '../../../src/shared/loras';

afterEach(cleanup);

const folder = (over: Partial<LorasResponse> = {}): LorasResponse => ({
  dir: '/models/loras',
  loras: [
    { name: 'detail', bytes: 1_200_000 },
    { name: 'ink', bytes: 800_000 },
  ],
  installs: [],
  ...over,
});

function actions() {
  return { use: vi.fn(), install: vi.fn(async (_url: string): Promise<unknown> => ({})), notify: vi.fn() };
}

describe('LoraCard', () => {
  it('lists the folder and picks a LoRA per slot the pipeline has, or none', () => {
    const a = actions();
    const { container } = render(<LoraCard list={folder()} values={{ lora: 'detail', lora2: 'none' }} actions={a} />);
    const items = [...container.querySelectorAll('[aria-label="LoRA folder"] li')].map((li) => li.textContent);
    expect(items).toEqual(['detail · 1.2 MB', 'ink · 800 kB']);
    const first = screen.getByLabelText('LoRA slot 1') as HTMLSelectElement;
    expect(first.value).toBe('detail');
    expect([...first.options].map((o) => o.value)).toEqual(['none', 'detail', 'ink']);
    // The pipeline has two slots: no third picker.
    expect(screen.queryByLabelText('LoRA 3')).toBeNull();
    fireEvent.change(screen.getByLabelText('LoRA slot 2'), { target: { value: 'ink' } });
    fireEvent.change(first, { target: { value: 'none' } });
    expect(a.use.mock.calls).toEqual([
      ['lora2', 'ink'],
      ['lora', 'none'],
    ]);
  });

  it('installs by URL and shows the progress the server pushes, then the new LoRA in the folder', async () => {
    const a = actions();
    const { container, rerender } = render(<LoraCard list={folder()} values={{ lora: 'none' }} actions={a} />);
    const input = screen.getByLabelText('LoRA URL') as HTMLInputElement;
    fireEvent.input(input, { target: { value: 'http://127.0.0.1:9/files/style.safetensors' } });
    fireEvent.submit(screen.getByText('Install').closest('form')!);
    await waitFor(() => expect(a.install).toHaveBeenCalledWith('http://127.0.0.1:9/files/style.safetensors'));
    await waitFor(() => expect(input.value).toBe(''));

    const downloading = {
      name: 'style',
      from: 'http://127.0.0.1:9/files/style.safetensors',
      state: 'downloading' as const,
      bytes: 250_000,
      total: 1_000_000,
      rate: 100_000,
      eta: 7.5,
      error: null,
    };
    rerender(<LoraCard list={folder({ installs: [downloading] })} values={{ lora: 'none' }} actions={a} />);
    const line = container.querySelector('[data-install="style"]')!;
    expect(line.querySelector('[role="progressbar"]')!.getAttribute('aria-valuenow')).toBe('25');
    expect(line.textContent).toContain('250 kB of 1.0 MB · 8 s left');

    const done = folder({
      loras: [...folder().loras, { name: 'style', bytes: 1_000_000 }],
      installs: [{ ...downloading, state: 'ready', bytes: 1_000_000, eta: null }],
    });
    rerender(<LoraCard list={done} values={{ lora: 'none' }} actions={a} />);
    expect(container.querySelector('[data-install="style"]')!.textContent).toContain('installed');
    const options = [...(screen.getByLabelText('LoRA slot 1') as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(['none', 'detail', 'ink', 'style']);
  });

  it('shows a refused install’s sentence and keeps the URL; a failed download shows its error', async () => {
    const a = actions();
    a.install.mockRejectedValueOnce(new HttpError(400, 'thing.ckpt is a pickled checkpoint'));
    const { container, rerender } = render(<LoraCard list={folder()} values={{ lora: 'none' }} actions={a} />);
    const input = screen.getByLabelText('LoRA URL') as HTMLInputElement;
    fireEvent.input(input, { target: { value: 'http://127.0.0.1:9/thing.ckpt' } });
    fireEvent.submit(screen.getByText('Install').closest('form')!);
    await waitFor(() => expect(a.notify).toHaveBeenCalledWith('thing.ckpt is a pickled checkpoint'));
    expect(input.value).toBe('http://127.0.0.1:9/thing.ckpt');
    const failed = {
      name: 'junk',
      from: 'http://127.0.0.1:9/junk.safetensors',
      state: 'error' as const,
      bytes: 20,
      total: 20,
      rate: 0,
      eta: null,
      error: 'junk.safetensors is not a usable LoRA: not a safetensors file',
    };
    rerender(<LoraCard list={folder({ installs: [failed] })} values={{ lora: 'none' }} actions={a} />);
    expect(container.querySelector('[data-install="junk"] .error')!.textContent).toBe(failed.error);
  });
});
