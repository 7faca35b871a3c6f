// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { InputCard } from './input-card';
import type { InputActions } from './input-card';
import type { InputInfo } from '../../../src/shared/inputs';

afterEach(cleanup);

const base = { width: 0, height: 0, fps: 0, frames: 0, options: {}, removable: false, active: false };
const inputs: InputInfo[] = [
  { ...base, id: 'feedback', kind: 'feedback', name: 'Feedback', available: true, state: 'waiting' },
  {
    ...base,
    id: 'whip-camera',
    kind: 'whip',
    name: 'WHIP /whip/camera',
    available: true,
    state: 'live',
    active: true,
    width: 1280,
    height: 720,
    fps: 30,
    frames: 100,
    removable: true,
  },
  {
    ...base,
    id: 'file-clip',
    kind: 'file',
    name: 'clip.mp4',
    available: true,
    state: 'lost',
    reason: 'the file ended (played once); restart it to play again',
    removable: true,
    options: { loop: false, speed: 1 },
  },
  {
    ...base,
    id: 'syphon',
    kind: 'syphon',
    name: 'Syphon (first server)',
    available: false,
    state: 'unavailable',
    reason: 'Syphon exists only on macOS (this is linux)',
  },
];

function show(list = inputs, onFailed: (message: string) => void = () => {}) {
  const calls: unknown[][] = [];
  const actions: InputActions = {
    select: (id) => calls.push(['select', id]),
    fit: (f) => calls.push(['fit', f]),
    add: (spec) => calls.push(['add', spec]),
    remove: (id) => calls.push(['remove', id]),
    restart: (id) => calls.push(['restart', id]),
    options: (id, o) => calls.push(['options', id, o]),
    devices: async () => ({
      ffmpeg: { available: true },
      cameras: [{ device: '/dev/video0', name: 'C920' }],
      ndi: { names: [] },
      syphon: { available: false },
      spout: { available: false },
    }),
    failed: (m) => {
      calls.push(['failed', m]);
      onFailed(m);
    },
  };
  render(<InputCard inputs={list} selection={{ source: 'whip-camera', fit: 'cover' }} actions={actions} />);
  return calls;
}

describe('Input card', () => {
  it('shows each source with its state, size and rate, why it is unavailable, and a preview of the active one', () => {
    show();
    expect(screen.getByText('1280×720 · 30 fps')).toBeTruthy();
    expect(screen.getByText(/the file ended/)).toBeTruthy();
    expect(screen.getByText('Syphon exists only on macOS (this is linux)')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'use Syphon (first server)' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    const preview = screen.getByRole('img', { name: 'preview of WHIP /whip/camera' }) as HTMLImageElement;
    expect(preview.getAttribute('src')).toMatch(/^\/api\/v1\/inputs\/whip-camera\/preview\.jpg\?n=\d+$/);
    expect(screen.getByRole('button', { name: 'use WHIP /whip/camera' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('chooses, clears, fits, restarts and removes', () => {
    const calls = show();
    fireEvent.click(screen.getByRole('button', { name: 'use clip.mp4' }));
    fireEvent.click(screen.getByRole('button', { name: 'None' }));
    fireEvent.change(screen.getByRole('combobox', { name: 'input fit' }), { target: { value: 'contain' } });
    fireEvent.click(screen.getByRole('button', { name: 'restart clip.mp4' }));
    fireEvent.click(screen.getByRole('button', { name: 'remove clip.mp4' }));
    expect(screen.queryByRole('button', { name: 'remove Feedback' })).toBeNull();
    expect(calls).toEqual([
      ['select', 'file-clip'],
      ['select', null],
      ['fit', 'contain'],
      ['restart', 'file-clip'],
      ['remove', 'file-clip'],
    ]);
  });

  it('changes a file’s loop and speed, and shows feedback’s controls when feedback is the input', () => {
    const active = inputs.map((i) => ({
      ...i,
      active: i.id === 'feedback',
      options: i.id === 'feedback' ? { zoom: 1.02, rotate: 0.5, decay: 0.92 } : i.options,
    }));
    const calls = show(active);
    fireEvent.click(screen.getByRole('checkbox', { name: 'loop clip.mp4' }));
    fireEvent.change(screen.getByRole('combobox', { name: 'speed of clip.mp4' }), { target: { value: '2' } });
    fireEvent.change(screen.getByRole('slider', { name: 'feedback decay' }), { target: { value: '0.8' } });
    expect(calls).toEqual([
      ['options', 'file-clip', { loop: true }],
      ['options', 'file-clip', { speed: 2 }],
      ['options', 'feedback', { decay: 0.8 }],
    ]);
  });

  it('adds a file by path, or a camera by device', () => {
    const calls = show();
    // With a list of suggestions the text field is a combobox.
    const field = screen.getByRole('combobox', { name: 'input to add' });
    fireEvent.input(field, { target: { value: '/clips/loop.mov' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    fireEvent.change(screen.getByRole('combobox', { name: 'kind of input' }), { target: { value: 'camera' } });
    fireEvent.input(field, { target: { value: '/dev/video0' } });
    fireEvent.submit(field.closest('form')!);
    expect(calls).toEqual([
      ['add', { kind: 'file', path: '/clips/loop.mov' }],
      ['add', { kind: 'camera', device: '/dev/video0' }],
    ]);
  });

  it('says what went wrong when the browser cannot capture', async () => {
    // The card says it through `failed`, once the browser's capture has refused: wait for that call itself.
    let said!: () => void;
    const saying = new Promise<void>((resolve) => (said = resolve));
    const calls = show(inputs, () => said());
    fireEvent.click(screen.getByRole('button', { name: 'Use camera' }));
    await saying;
    const failed = calls.find((c) => c[0] === 'failed');
    expect(failed?.[1]).toMatch(/^Use camera: /);
  });
});
