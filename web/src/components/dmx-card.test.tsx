// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { DmxCard, describeChannel } from './dmx-card';
import type { DmxListenerStatus, DmxStatus } from '../../../src/shared/dmx';
import type { OutputInfo } from '../services';

afterEach(cleanup);

const listener = (over: Partial<DmxListenerStatus> = {}): DmxListenerStatus => ({
  enabled: false,
  reason: 'off; start with --artnet',
  host: '127.0.0.1',
  port: 0,
  received: 0,
  rejected: {},
  ...over,
});

const status = (over: Partial<DmxStatus> = {}): DmxStatus => ({
  artnet: listener({ enabled: true, reason: null, port: 6454, received: 12 }),
  sacn: listener({ reason: 'off; start with --sacn' }),
  merge: 'ltp',
  learning: null,
  mappings: [
    {
      id: 'm1',
      param: 'level',
      protocol: 'artnet',
      universe: 0,
      channel: 1,
      fine: null,
      min: null,
      max: null,
      curve: 'linear',
      invert: false,
    },
    {
      id: 'm2',
      param: 'speed',
      protocol: 'sacn',
      universe: 1,
      channel: 10,
      fine: 11,
      min: null,
      max: null,
      curve: 'log',
      invert: true,
    },
  ],
  applied: 0,
  ...over,
});

const dmxOut: OutputInfo = {
  id: 'dmx',
  kind: 'dmx',
  name: 'DMX',
  available: true,
  enabled: false,
  state: 'off',
  clients: 0,
  fps: 0,
  dropped: 0,
  errors: 0,
  options: {},
};

function show(dmx = status()) {
  const calls: unknown[][] = [];
  render(
    <DmxCard
      dmx={dmx}
      outputs={[dmxOut]}
      params={['level', 'speed']}
      actions={{
        learn: (...a) => calls.push(['learn', ...a]),
        cancelLearn: () => calls.push(['cancel']),
        remove: (id) => calls.push(['remove', id]),
      }}
      outputActions={{ enable: (...a) => calls.push(['enable', ...a]), rename: () => {} }}
    />,
  );
  return calls;
}

describe('DMX card', () => {
  it('names channels as a desk counts them', () => {
    expect(describeChannel(status().mappings[0]!)).toBe('Art-Net 0 · ch 1');
    expect(describeChannel(status().mappings[1]!)).toBe('sACN 1 · ch 10+11');
  });

  it('shows the listeners, the mappings and the DMX output', () => {
    show();
    expect(screen.getByText('on 127.0.0.1:6454')).toBeTruthy();
    expect(screen.getByText('off; start with --sacn')).toBeTruthy();
    expect(screen.getByText('← sACN 1 · ch 10+11')).toBeTruthy();
    expect(screen.getByText('· inverted')).toBeTruthy();
    expect((screen.getByRole('switch', { name: 'enable DMX' }) as HTMLInputElement).checked).toBe(false);
  });

  it('learns the chosen parameter, removes a mapping and switches the output on', () => {
    const calls = show();
    fireEvent.change(screen.getByRole('combobox', { name: 'parameter to learn' }), { target: { value: 'speed' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'bits' }), { target: { value: '16' } });
    fireEvent.click(screen.getByRole('button', { name: /^Learn$/ }));
    fireEvent.click(screen.getByRole('button', { name: 'remove level' }));
    fireEvent.click(screen.getByRole('switch', { name: 'enable DMX' }));
    expect(calls).toEqual([
      ['learn', 'speed', 16],
      ['remove', 'm1'],
      ['enable', 'dmx', true],
    ]);
  });

  it('while learning says what to do, and a click cancels', () => {
    const calls = show(status({ learning: { param: 'level', bits: 16, since: 0 } }));
    expect(screen.getByText(/Move a channel on the desk for/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Learning…' }));
    expect(calls).toEqual([['cancel']]);
  });

  it('offers no learn while no listener is on', () => {
    show(status({ artnet: listener(), mappings: [] }));
    expect(screen.getByText('No mappings yet.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Learn$/ })).toBeNull();
  });
});
