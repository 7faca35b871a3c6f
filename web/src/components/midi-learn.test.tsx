// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { MidiLearn } from './midi-learn';
import { WithPanel, fakePanel, midiStatus } from '../test-support';
import type { MidiMapping, MidiStatus } from '../midi-types';

afterEach(cleanup);

const mapping: MidiMapping = {
  id: 'm1',
  param: 'zoom',
  device: 'Launch Control XL',
  channel: 1,
  control: { kind: 'cc', number: 21 },
  min: null,
  max: null,
  curve: 'linear',
  invert: false,
  softTakeover: true,
};

function show(midi: MidiStatus | null) {
  const { ctx, rec } = fakePanel(midi);
  render(
    <WithPanel ctx={ctx}>
      <MidiLearn param="zoom" />
    </WithPanel>,
  );
  return rec;
}

describe('MIDI learn button', () => {
  it('arms learning for its parameter', () => {
    const rec = show(midiStatus());
    fireEvent.click(screen.getByRole('button', { name: 'Learn' }));
    expect(rec.midi).toEqual([['learn', 'zoom']]);
  });

  it('shows learning for its parameter only, and cancels on click', () => {
    const rec = show(midiStatus({ learning: { param: 'zoom', since: 1 } }));
    const button = screen.getByRole('button', { name: 'Learning…' });
    expect(button.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(button);
    expect(rec.midi).toEqual([['cancel']]);
    cleanup();
    show(midiStatus({ learning: { param: 'hue', since: 1 } }));
    expect(screen.getByRole('button', { name: 'Learn' })).toBeTruthy();
  });

  it('shows the bound control and edits the mapping', () => {
    const rec = show(midiStatus({ mappings: [mapping] }));
    fireEvent.click(screen.getByRole('button', { name: 'CC 21 ch1' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'invert' }));
    fireEvent.change(screen.getByRole('combobox', { name: 'mapping curve' }), { target: { value: 'log' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'mapping max' }), { target: { value: '4' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'soft takeover' }));
    fireEvent.click(screen.getByRole('button', { name: 'Unmap' }));
    expect(rec.midi).toEqual([
      ['patch', 'm1', { invert: true }],
      ['patch', 'm1', { curve: 'log' }],
      ['patch', 'm1', { max: 4 }],
      ['patch', 'm1', { softTakeover: false }],
      ['unmap', 'm1'],
    ]);
  });

  it('is absent without a MIDI service or when MIDI is unavailable', () => {
    show(null);
    expect(screen.queryByRole('button')).toBeNull();
    cleanup();
    show(midiStatus({ available: false, reason: 'no MIDI library' }));
    expect(screen.queryByRole('button')).toBeNull();
  });
});
