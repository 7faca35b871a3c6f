// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputsCard } from './outputs-card';
import { WithPanel, fakePanel } from '../test-support';
import type { OutputInfo } from '../services';

afterEach(cleanup);

const base = { clients: 0, fps: 0, dropped: 0, errors: 0, options: {} };
const outputs: OutputInfo[] = [
  {
    ...base,
    id: 'webrtc',
    kind: 'webrtc',
    name: 'WebRTC',
    available: true,
    enabled: true,
    state: 'running',
    clients: 2,
    fps: 30,
  },
  {
    ...base,
    id: 'ndi',
    kind: 'ndi',
    name: 'NDI',
    available: true,
    enabled: false,
    state: 'off',
    options: { name: 'Scope' },
  },
  {
    ...base,
    id: 'syphon',
    kind: 'syphon',
    name: 'Syphon',
    available: false,
    reason: 'Syphon needs macOS.',
    enabled: false,
    state: 'unavailable',
  },
];

function show() {
  const calls: unknown[][] = [];
  const { ctx } = fakePanel();
  render(
    <WithPanel ctx={ctx}>
      <OutputsCard
        outputs={outputs}
        actions={{ enable: (...a) => calls.push(['enable', ...a]), rename: (...a) => calls.push(['rename', ...a]) }}
      />
    </WithPanel>,
  );
  return calls;
}

describe('Outputs card', () => {
  it('shows each output with its state, clients and addresses', () => {
    show();
    expect(screen.getByText('2 clients · 30 fps')).toBeTruthy();
    expect(screen.getByText(`${location.origin}/whep`)).toBeTruthy();
    expect(screen.getByText(`${location.origin}/output`)).toBeTruthy();
    expect(screen.getByText('Syphon needs macOS.')).toBeTruthy();
    expect((screen.getByRole('switch', { name: 'enable Syphon' }) as HTMLInputElement).disabled).toBe(true);
  });

  it('switches outputs on and off', () => {
    const calls = show();
    fireEvent.click(screen.getByRole('switch', { name: 'enable NDI' }));
    fireEvent.click(screen.getByRole('switch', { name: 'enable WebRTC' }));
    expect(calls).toEqual([
      ['enable', 'ndi', true],
      ['enable', 'webrtc', false],
    ]);
  });

  it('renames the NDI source on Enter, not on Escape', () => {
    const calls = show();
    const field = screen.getByRole('textbox', { name: 'NDI name' }) as HTMLInputElement;
    expect(field.value).toBe('Scope');
    fireEvent.input(field, { target: { value: 'Stage left' } });
    fireEvent.keyDown(field, { key: 'Escape' });
    fireEvent.blur(field);
    expect(calls).toEqual([]);
    fireEvent.input(field, { target: { value: 'Stage left' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    fireEvent.blur(field);
    expect(calls).toEqual([['rename', 'ndi', 'Stage left']]);
  });
});
