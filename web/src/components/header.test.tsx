// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Header } from './header';
import { initialState } from '../state';
import type { MidiStatus } from '../../../src/shared/midi';

afterEach(cleanup);

const midi: MidiStatus = {
  available: true,
  inputs: [],
  outputs: [],
  learning: null,
  mappings: [],
  received: 0,
  errors: 1,
};
const noop = () => {};

describe('the header', () => {
  it('says a MIDI mapping could not be saved (and was undone), until a save works again', () => {
    const why =
      'could not save MIDI mappings to /cfg/midi-mappings.json: the disk is full (ENOSPC); nothing was changed';
    const { rerender } = render(
      <Header
        state={{ ...initialState, midi: { ...midi, saveError: why } }}
        paused={false}
        onPause={noop}
        onHelp={noop}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe(`MIDI mapping not saved: ${why}`);
    rerender(<Header state={{ ...initialState, midi }} paused={false} onPause={noop} onHelp={noop} />);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
